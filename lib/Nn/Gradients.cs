using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>Gradient housekeeping shared by modules and optimizers.</summary>
internal static class Gradients
{
    /// <summary>Drops the gradient of <paramref name="p"/> or fills it with zeros.</summary>
    internal static void Clear(Tensor p, bool setToNone) => p.ZeroGrad(setToNone);
}
