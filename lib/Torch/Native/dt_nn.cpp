// Neural-network functional ops (torch.nn.functional): linear, convolutions, normalisation, pooling,
// resampling, softmax, losses, activations. Optional tensors (bias, weight) arrive as null handles.
#include "dt_common.h"

#include <ATen/core/Reduction.h>

namespace
{
/// A null handle is "no tensor" (c10::nullopt); others are the tensor.
inline c10::optional<at::Tensor> dt_opt(dt_tensor t) { return t ? c10::optional<at::Tensor>(*t) : c10::nullopt; }

/// Managed Reduction (0 Mean, 1 Sum, 2 None) to at::Reduction.
inline int64_t dt_reduction(int32_t r)
{
    switch (r)
    {
    case 0: return at::Reduction::Mean;
    case 1: return at::Reduction::Sum;
    case 2: return at::Reduction::None;
    default: throw std::invalid_argument("unknown reduction code " + std::to_string(r));
    }
}

/// A positive scale, or "none" when the managed side passes 0 or less.
inline c10::optional<double> dt_scale(double s) { return s > 0 ? c10::optional<double>(s) : c10::nullopt; }
} // namespace

// ---- linear and convolutions -------------------------------------------------------------------------

/// y = x Wᵀ + b. When libtorch has no optimised BLAS (Debian's build: BLAS_INFO=generic, so addmm is a reference loop)
/// but has oneDNN, a float32 [N, in] batch goes through oneDNN as the identical 1×1 convolution over [N, in, 1, 1]
/// (about 6× faster at 512×128×128 on one core); autograd differentiates either path. Other cases use at::linear.
static at::Tensor dt_linear_impl(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& b)
{
    static const bool useConvolution = !at::hasMKL() && at::hasMKLDNN();
    if (useConvolution && x.dim() == 2 && w.dim() == 2 && x.size(1) == w.size(1) && x.size(0) > 0 &&
        x.scalar_type() == at::kFloat && w.scalar_type() == at::kFloat && x.device().is_cpu() && w.device().is_cpu())
    {
        auto y = at::conv2d(x.reshape({x.size(0), x.size(1), 1, 1}), w.reshape({w.size(0), w.size(1), 1, 1}), b);
        return y.reshape({x.size(0), w.size(0)});
    }
    return at::linear(x, w, b);
}

DT_API int32_t dt_linear(dt_tensor x, dt_tensor w, dt_tensor b, dt_tensor* out) { DT_GUARD(*out = dt_wrap(dt_linear_impl(*x, *w, dt_opt(b)))) }

/// stride, padding, dilation: two values each (height, width).
DT_API int32_t dt_conv2d(dt_tensor x, dt_tensor w, dt_tensor b, const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                         int64_t groups, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::conv2d(*x, *w, dt_opt(b), dt_dims(stride, 2), dt_dims(padding, 2), dt_dims(dilation, 2), groups)))
}

DT_API int32_t dt_conv_transpose2d(dt_tensor x, dt_tensor w, dt_tensor b, const int64_t* stride, const int64_t* padding,
                                   const int64_t* outputPadding, int64_t groups, const int64_t* dilation, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::conv_transpose2d(*x, *w, dt_opt(b), dt_dims(stride, 2), dt_dims(padding, 2), dt_dims(outputPadding, 2),
                                                 groups, dt_dims(dilation, 2))))
}

// ---- normalisation and dropout ------------------------------------------------------------------------

DT_API int32_t dt_group_norm(dt_tensor x, int64_t groups, dt_tensor w, dt_tensor b, double eps, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::group_norm(*x, groups, dt_opt(w), dt_opt(b), eps, /*cudnn_enabled=*/true)))
}

DT_API int32_t dt_layer_norm(dt_tensor x, const int64_t* shape, int32_t n, dt_tensor w, dt_tensor b, double eps, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::layer_norm(*x, dt_dims(shape, n), dt_opt(w), dt_opt(b), eps, /*cudnn_enable=*/true)))
}

/// Batch norm; in training mode it updates runningMean / runningVar in place when given.
DT_API int32_t dt_batch_norm(dt_tensor x, dt_tensor runningMean, dt_tensor runningVar, dt_tensor w, dt_tensor b, int32_t training,
                             double momentum, double eps, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::batch_norm(*x, dt_opt(w), dt_opt(b), dt_opt(runningMean), dt_opt(runningVar), training != 0, momentum, eps,
                                           /*cudnn_enabled=*/true)))
}

DT_API int32_t dt_dropout(dt_tensor x, double p, int32_t training, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::dropout(*x, p, training != 0))) }

/// Dropout with the mask drawn from a private generator: y = x * m / (1 - p), m ~ Bernoulli(1 - p) (autograd flows through the product).
DT_API int32_t dt_dropout_gen(dt_tensor x, double p, int32_t training, at::Generator* generator, dt_tensor* out)
{
    DT_GUARD({
        if (training == 0 || p == 0)
        {
            *out = dt_wrap(at::mul(*x, 1));
        }
        else if (p >= 1)
        {
            *out = dt_wrap(at::mul(*x, 0));
        }
        else
        {
            at::Tensor mask;
            {
                at::NoGradGuard noGrad;
                mask = at::empty_like(*x, at::MemoryFormat::Contiguous).bernoulli_(1 - p, c10::optional<at::Generator>(*generator)).div_(1 - p);
            }
            *out = dt_wrap(at::mul(*x, mask));
        }
    })
}

// ---- pooling and resampling ---------------------------------------------------------------------------

DT_API int32_t dt_avg_pool2d(dt_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding, int32_t ceilMode,
                             int32_t countIncludePad, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::avg_pool2d(*x, dt_dims(kernel, 2), dt_dims(stride, 2), dt_dims(padding, 2), ceilMode != 0, countIncludePad != 0)))
}

DT_API int32_t dt_max_pool2d(dt_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                             int32_t ceilMode, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::max_pool2d(*x, dt_dims(kernel, 2), dt_dims(stride, 2), dt_dims(padding, 2), dt_dims(dilation, 2), ceilMode != 0)))
}

DT_API int32_t dt_adaptive_avg_pool2d(dt_tensor x, const int64_t* size, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::adaptive_avg_pool2d(*x, dt_dims(size, 2)))) }

/// mode 0 nearest, 1 bilinear, 2 bicubic; size: output (height, width); scaleH/scaleW > 0 pass the user's scale factors
/// (as F.interpolate does with scale_factor), else the kernels use in/out; alignCorners only for bilinear/bicubic.
DT_API int32_t dt_interpolate(dt_tensor x, const int64_t* size, int32_t mode, int32_t alignCorners, double scaleH, double scaleW, dt_tensor* out)
{
    DT_GUARD({
        if (x->dim() != 4)
            throw std::invalid_argument("interpolate expects a 4-D input (N, C, H, W), got " + std::to_string(x->dim()) + " dimensions");
        auto outSize = dt_dims(size, 2);
        switch (mode)
        {
        case 0: *out = dt_wrap(at::upsample_nearest2d(*x, outSize, dt_scale(scaleH), dt_scale(scaleW))); break;
        case 1: *out = dt_wrap(at::upsample_bilinear2d(*x, outSize, alignCorners != 0, dt_scale(scaleH), dt_scale(scaleW))); break;
        case 2: *out = dt_wrap(at::upsample_bicubic2d(*x, outSize, alignCorners != 0, dt_scale(scaleH), dt_scale(scaleW))); break;
        default: throw std::invalid_argument("unknown interpolation mode " + std::to_string(mode));
        }
    })
}

/// Unfold (im2col): (N, C, H, W) to (N, C*kh*kw, L).
DT_API int32_t dt_unfold(dt_tensor x, const int64_t* kernel, const int64_t* dilation, const int64_t* padding, const int64_t* stride, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::im2col(*x, dt_dims(kernel, 2), dt_dims(dilation, 2), dt_dims(padding, 2), dt_dims(stride, 2))))
}

/// Fold (col2im): (N, C*kh*kw, L) to (N, C, H, W), summing overlaps.
DT_API int32_t dt_fold(dt_tensor x, const int64_t* outputSize, const int64_t* kernel, const int64_t* dilation, const int64_t* padding,
                       const int64_t* stride, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::col2im(*x, dt_dims(outputSize, 2), dt_dims(kernel, 2), dt_dims(dilation, 2), dt_dims(padding, 2), dt_dims(stride, 2))))
}

// ---- softmax and losses --------------------------------------------------------------------------------

DT_API int32_t dt_softmax(dt_tensor x, int64_t dim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::softmax(*x, dim))) }

DT_API int32_t dt_log_softmax(dt_tensor x, int64_t dim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::log_softmax(*x, dim))) }

DT_API int32_t dt_mse_loss(dt_tensor input, dt_tensor target, int32_t reduction, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::mse_loss(*input, *target, dt_reduction(reduction))))
}

DT_API int32_t dt_l1_loss(dt_tensor input, dt_tensor target, int32_t reduction, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::l1_loss(*input, *target, dt_reduction(reduction))))
}

DT_API int32_t dt_smooth_l1_loss(dt_tensor input, dt_tensor target, int32_t reduction, double beta, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::smooth_l1_loss(*input, *target, dt_reduction(reduction), beta)))
}

DT_API int32_t dt_cross_entropy(dt_tensor logits, dt_tensor targets, dt_tensor weight, int32_t reduction, int64_t ignoreIndex,
                                double labelSmoothing, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::cross_entropy_loss(*logits, *targets, dt_opt(weight), dt_reduction(reduction), ignoreIndex, labelSmoothing)))
}

DT_API int32_t dt_nll_loss(dt_tensor logProbs, dt_tensor targets, dt_tensor weight, int32_t reduction, int64_t ignoreIndex, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::nll_loss_nd(*logProbs, *targets, dt_opt(weight), dt_reduction(reduction), ignoreIndex)))
}

DT_API int32_t dt_embedding(dt_tensor indices, dt_tensor weight, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::embedding(*weight, *indices))) }

// ---- activations ---------------------------------------------------------------------------------------

DT_UNARY(relu, at::relu(*x))
DT_UNARY(silu, at::silu(*x))
DT_UNARY(mish, at::mish(*x))

/// approximate: 0 exact (erf), 1 tanh approximation.
DT_API int32_t dt_gelu(dt_tensor x, int32_t approximate, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::gelu(*x, approximate != 0 ? "tanh" : "none"))) }

DT_SCALAR(leaky_relu, at::leaky_relu(*a, s))
DT_SCALAR(elu, at::elu(*a, s))

DT_API int32_t dt_softplus(dt_tensor x, double beta, double threshold, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::softplus(*x, beta, threshold))) }
