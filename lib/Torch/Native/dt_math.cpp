// Elementwise arithmetic, the first ops; the rest of the op surface lives in the other dt_*.cpp files.
#include "dt_common.h"

DT_BINARY(add, at::add(*a, *b))
DT_BINARY(sub, at::sub(*a, *b))
DT_BINARY(mul, at::mul(*a, *b))
DT_BINARY(div, at::div(*a, *b))
DT_SCALAR(add_scalar, at::add(*a, s))
DT_SCALAR(sub_scalar, at::sub(*a, s))
DT_SCALAR(mul_scalar, at::mul(*a, s))
DT_SCALAR(div_scalar, at::div(*a, s))
DT_SCALAR(rsub_scalar, at::rsub(*a, s))
DT_UNARY(neg, at::neg(*x))
DT_UNARY(sqrt, at::sqrt(*x))
DT_UNARY(exp, at::exp(*x))
DT_UNARY(log, at::log(*x))

DT_API int32_t dt_sum_all(dt_tensor x, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->sum())) }
DT_API int32_t dt_mean_all(dt_tensor x, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->mean())) }
DT_BINARY(matmul, at::matmul(*a, *b))

DT_API int32_t dt_reshape(dt_tensor x, const int64_t* dims, int32_t ndim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->reshape(dt_dims(dims, ndim)))) }

DT_API int32_t dt_zeros(const int64_t* dims, int32_t ndim, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::zeros(dt_dims(dims, ndim), dt_options(dtype, deviceType, deviceIndex))))
}

DT_API int32_t dt_randn(const int64_t* dims, int32_t ndim, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::randn(dt_dims(dims, ndim), dt_options(dtype, deviceType, deviceIndex))))
}
