using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019) with PyTorch 1.13's semantics (<c>torch.optim.AdamW</c>): Adam with
/// decoupled weight decay, p *= 1 - lr * weight_decay before the Adam update (see <see cref="Adam"/>).
/// </summary>
/// <remarks>PyTorch's default weight decay for AdamW is 0.01 (Adam's is 0).</remarks>
public sealed class AdamW : Adam
{
    /// <summary>AdamW over a module's parameters.</summary>
    public AdamW(Module module, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : base(module, lr, beta1, beta2, eps, weightDecay, amsgrad)
    {
    }

    /// <summary>AdamW over <paramref name="parameters"/> (named <c>0</c>, <c>1</c>, ...).</summary>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad)
    {
    }

    /// <summary>AdamW over named parameters.</summary>
    public AdamW(IEnumerable<(string Name, Tensor Parameter)> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad)
    {
    }

    /// <inheritdoc/>
    protected override bool DecoupledWeightDecay => true;
}
