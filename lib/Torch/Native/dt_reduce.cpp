// Reductions over dimensions (Tensor.Reduce.cs).
#include "dt_common.h"

#define DT_DIMS_ARGS const int64_t *dims, int32_t n, int32_t keepdim

DT_API int32_t dt_sum_dims(dt_tensor x, DT_DIMS_ARGS, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::sum(*x, dt_dims(dims, n), keepdim != 0))) }
DT_API int32_t dt_mean_dims(dt_tensor x, DT_DIMS_ARGS, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::mean(*x, dt_dims(dims, n), keepdim != 0))) }
DT_API int32_t dt_var(dt_tensor x, int32_t hasDims, DT_DIMS_ARGS, int32_t unbiased, dt_tensor* out)
{
    DT_GUARD({
        at::OptionalIntArrayRef d = hasDims ? at::OptionalIntArrayRef(dt_dims(dims, n)) : c10::nullopt;
        *out = dt_wrap(at::var(*x, d, unbiased != 0, keepdim != 0));
    })
}
DT_API int32_t dt_std(dt_tensor x, int32_t hasDims, DT_DIMS_ARGS, int32_t unbiased, dt_tensor* out)
{
    DT_GUARD({
        at::OptionalIntArrayRef d = hasDims ? at::OptionalIntArrayRef(dt_dims(dims, n)) : c10::nullopt;
        *out = dt_wrap(at::std(*x, d, unbiased != 0, keepdim != 0));
    })
}
DT_API int32_t dt_norm(dt_tensor x, double p, int32_t hasDims, DT_DIMS_ARGS, dt_tensor* out)
{
    DT_GUARD({
        at::OptionalIntArrayRef d = hasDims ? at::OptionalIntArrayRef(dt_dims(dims, n)) : c10::nullopt;
        *out = dt_wrap(at::linalg_vector_norm(*x, p, d, keepdim != 0));
    })
}
DT_API int32_t dt_logsumexp(dt_tensor x, DT_DIMS_ARGS, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::logsumexp(*x, dt_dims(dims, n), keepdim != 0))) }
DT_API int32_t dt_amax(dt_tensor x, DT_DIMS_ARGS, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::amax(*x, dt_dims(dims, n), keepdim != 0))) }
DT_API int32_t dt_amin(dt_tensor x, DT_DIMS_ARGS, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::amin(*x, dt_dims(dims, n), keepdim != 0))) }

DT_UNARY(max_all, at::max(*x))
DT_UNARY(min_all, at::min(*x))
DT_UNARY(prod_all, at::prod(*x))
DT_UNARY(all_all, at::all(*x))
DT_UNARY(any_all, at::any(*x))
DT_UNARY(argmax_all, at::argmax(*x))
DT_UNARY(argmin_all, at::argmin(*x))

DT_API int32_t dt_max_dim(dt_tensor x, int64_t dim, int32_t keepdim, dt_tensor* values, dt_tensor* indices)
{
    DT_GUARD({
        auto r = at::max(*x, dim, keepdim != 0);
        *values = dt_wrap(std::get<0>(r));
        *indices = dt_wrap(std::get<1>(r));
    })
}
DT_API int32_t dt_min_dim(dt_tensor x, int64_t dim, int32_t keepdim, dt_tensor* values, dt_tensor* indices)
{
    DT_GUARD({
        auto r = at::min(*x, dim, keepdim != 0);
        *values = dt_wrap(std::get<0>(r));
        *indices = dt_wrap(std::get<1>(r));
    })
}
DT_API int32_t dt_sort(dt_tensor x, int64_t dim, int32_t descending, dt_tensor* values, dt_tensor* indices)
{
    DT_GUARD({
        auto r = at::sort(*x, dim, descending != 0);
        *values = dt_wrap(std::get<0>(r));
        *indices = dt_wrap(std::get<1>(r));
    })
}
DT_API int32_t dt_topk(dt_tensor x, int64_t k, int64_t dim, int32_t largest, dt_tensor* values, dt_tensor* indices)
{
    DT_GUARD({
        auto r = at::topk(*x, k, dim, largest != 0, true);
        *values = dt_wrap(std::get<0>(r));
        *indices = dt_wrap(std::get<1>(r));
    })
}
DT_API int32_t dt_argmax(dt_tensor x, int64_t dim, int32_t keepdim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::argmax(*x, dim, keepdim != 0))) }
DT_API int32_t dt_argmin(dt_tensor x, int64_t dim, int32_t keepdim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::argmin(*x, dim, keepdim != 0))) }
DT_API int32_t dt_prod(dt_tensor x, int64_t dim, int32_t keepdim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::prod(*x, dim, keepdim != 0))) }
DT_API int32_t dt_cumsum(dt_tensor x, int64_t dim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::cumsum(*x, dim))) }
DT_API int32_t dt_cumprod(dt_tensor x, int64_t dim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::cumprod(*x, dim))) }
DT_API int32_t dt_all_dim(dt_tensor x, int64_t dim, int32_t keepdim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::all(*x, dim, keepdim != 0))) }
DT_API int32_t dt_any_dim(dt_tensor x, int64_t dim, int32_t keepdim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::any(*x, dim, keepdim != 0))) }
