// Elementwise math, comparisons, logical ops, where/masked_fill (Tensor.Elementwise.cs, Tensor.Compare.cs).
#include "dt_common.h"

DT_UNARY(abs, at::abs(*x))
DT_UNARY(square, at::square(*x))
DT_UNARY(rsqrt, at::rsqrt(*x))
DT_UNARY(reciprocal, at::reciprocal(*x))
DT_UNARY(sin, at::sin(*x))
DT_UNARY(cos, at::cos(*x))
DT_UNARY(tanh, at::tanh(*x))
DT_UNARY(sigmoid, at::sigmoid(*x))
DT_UNARY(erf, at::erf(*x))
DT_UNARY(log1p, at::log1p(*x))
DT_UNARY(expm1, at::expm1(*x))
DT_UNARY(log2, at::log2(*x))
DT_UNARY(log10, at::log10(*x))
DT_UNARY(floor, at::floor(*x))
DT_UNARY(ceil, at::ceil(*x))
DT_UNARY(round, at::round(*x))
DT_UNARY(trunc, at::trunc(*x))
DT_UNARY(sign, at::sign(*x))
DT_UNARY(logical_not, at::logical_not(*x))
DT_UNARY(isnan, at::isnan(*x))
DT_UNARY(isfinite, at::isfinite(*x))
DT_UNARY(isinf, at::isinf(*x))

DT_SCALAR(pow_scalar, at::pow(*a, s))
DT_BINARY(pow, at::pow(*a, *b))
DT_BINARY(atan2, at::atan2(*a, *b))
DT_BINARY(maximum, at::maximum(*a, *b))
DT_BINARY(minimum, at::minimum(*a, *b))
DT_BINARY(remainder, at::remainder(*a, *b))
DT_SCALAR(remainder_scalar, at::remainder(*a, s))
DT_SCALAR(clamp_min, at::clamp_min(*a, s))
DT_SCALAR(clamp_max, at::clamp_max(*a, s))

DT_API int32_t dt_clamp(dt_tensor x, int32_t hasMin, double min, int32_t hasMax, double max, dt_tensor* out)
{
    DT_GUARD({
        c10::optional<at::Scalar> lo = hasMin ? c10::optional<at::Scalar>(min) : c10::nullopt;
        c10::optional<at::Scalar> hi = hasMax ? c10::optional<at::Scalar>(max) : c10::nullopt;
        *out = dt_wrap(at::clamp(*x, lo, hi));
    })
}

DT_API int32_t dt_lerp(dt_tensor a, dt_tensor end, double weight, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::lerp(*a, *end, weight))) }
DT_API int32_t dt_lerp_tensor(dt_tensor a, dt_tensor end, dt_tensor weight, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::lerp(*a, *end, *weight))) }

DT_BINARY(eq, at::eq(*a, *b))
DT_BINARY(ne, at::ne(*a, *b))
DT_BINARY(lt, at::lt(*a, *b))
DT_BINARY(le, at::le(*a, *b))
DT_BINARY(gt, at::gt(*a, *b))
DT_BINARY(ge, at::ge(*a, *b))
DT_SCALAR(eq_scalar, at::eq(*a, s))
DT_SCALAR(ne_scalar, at::ne(*a, s))
DT_SCALAR(lt_scalar, at::lt(*a, s))
DT_SCALAR(le_scalar, at::le(*a, s))
DT_SCALAR(gt_scalar, at::gt(*a, s))
DT_SCALAR(ge_scalar, at::ge(*a, s))
DT_BINARY(logical_and, at::logical_and(*a, *b))
DT_BINARY(logical_or, at::logical_or(*a, *b))
DT_BINARY(logical_xor, at::logical_xor(*a, *b))

DT_API int32_t dt_allclose(dt_tensor a, dt_tensor b, double rtol, double atol, int32_t* result) { DT_GUARD(*result = at::allclose(*a, *b, rtol, atol) ? 1 : 0) }
DT_API int32_t dt_equal(dt_tensor a, dt_tensor b, int32_t* result) { DT_GUARD(*result = at::equal(*a, *b) ? 1 : 0) }

DT_API int32_t dt_where(dt_tensor c, dt_tensor a, dt_tensor b, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::where(*c, *a, *b))) }
DT_API int32_t dt_where_ts(dt_tensor c, dt_tensor a, double b, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::where(*c, *a, b))) }
DT_API int32_t dt_where_st(dt_tensor c, double a, dt_tensor b, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::where(*c, a, *b))) }
DT_API int32_t dt_where_ss(dt_tensor c, double a, double b, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::where(*c, a, b))) }
DT_API int32_t dt_masked_fill(dt_tensor x, dt_tensor mask, double value, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::masked_fill(*x, *mask, value))) }
