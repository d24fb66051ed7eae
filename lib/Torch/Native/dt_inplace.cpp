// In-place updates for optimizers and EMA (Tensor.InPlace.cs). Each returns only a status: the managed
// side returns the same Tensor object.
#include "dt_common.h"

static c10::optional<at::Generator> dt_gen_opt(at::Generator* g) { return g ? c10::optional<at::Generator>(*g) : c10::nullopt; }

DT_API int32_t dt_add_(dt_tensor x, dt_tensor o, double alpha) { DT_GUARD(x->add_(*o, alpha)) }
DT_API int32_t dt_add_scalar_(dt_tensor x, double s) { DT_GUARD(x->add_(s)) }
DT_API int32_t dt_sub_(dt_tensor x, dt_tensor o, double alpha) { DT_GUARD(x->sub_(*o, alpha)) }
DT_API int32_t dt_sub_scalar_(dt_tensor x, double s) { DT_GUARD(x->sub_(s)) }
DT_API int32_t dt_mul_(dt_tensor x, dt_tensor o) { DT_GUARD(x->mul_(*o)) }
DT_API int32_t dt_mul_scalar_(dt_tensor x, double s) { DT_GUARD(x->mul_(s)) }
DT_API int32_t dt_div_(dt_tensor x, dt_tensor o) { DT_GUARD(x->div_(*o)) }
DT_API int32_t dt_div_scalar_(dt_tensor x, double s) { DT_GUARD(x->div_(s)) }
DT_API int32_t dt_addcmul_(dt_tensor x, dt_tensor t1, dt_tensor t2, double value) { DT_GUARD(x->addcmul_(*t1, *t2, value)) }
DT_API int32_t dt_addcdiv_(dt_tensor x, dt_tensor t1, dt_tensor t2, double value) { DT_GUARD(x->addcdiv_(*t1, *t2, value)) }
DT_API int32_t dt_copy_(dt_tensor x, dt_tensor src) { DT_GUARD(x->copy_(*src)) }
DT_API int32_t dt_zero_(dt_tensor x) { DT_GUARD(x->zero_()) }
DT_API int32_t dt_fill_(dt_tensor x, double value) { DT_GUARD(x->fill_(value)) }
DT_API int32_t dt_clamp_(dt_tensor x, int32_t hasMin, double min, int32_t hasMax, double max)
{
    DT_GUARD({
        c10::optional<at::Scalar> lo = hasMin ? c10::optional<at::Scalar>(min) : c10::nullopt;
        c10::optional<at::Scalar> hi = hasMax ? c10::optional<at::Scalar>(max) : c10::nullopt;
        x->clamp_(lo, hi);
    })
}
DT_API int32_t dt_lerp_(dt_tensor x, dt_tensor end, double weight) { DT_GUARD(x->lerp_(*end, weight)) }
DT_API int32_t dt_sqrt_(dt_tensor x) { DT_GUARD(x->sqrt_()) }
DT_API int32_t dt_neg_(dt_tensor x) { DT_GUARD(x->neg_()) }
DT_API int32_t dt_exp_(dt_tensor x) { DT_GUARD(x->exp_()) }
DT_API int32_t dt_normal_(dt_tensor x, double mean, double std, at::Generator* g) { DT_GUARD(x->normal_(mean, std, dt_gen_opt(g))) }
DT_API int32_t dt_uniform_(dt_tensor x, double low, double high, at::Generator* g) { DT_GUARD(x->uniform_(low, high, dt_gen_opt(g))) }
DT_API int32_t dt_masked_fill_(dt_tensor x, dt_tensor mask, double value) { DT_GUARD(x->masked_fill_(*mask, value)) }
