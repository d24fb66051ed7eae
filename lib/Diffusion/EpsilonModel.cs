using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Ddpm;

/// <summary>
/// A noise-prediction model ε_θ(x_t, t): images x_t [B, …] and 0-based timesteps t [B] (int64) in, the predicted noise of
/// x_t's shape out (a new tensor the caller owns). A <see cref="Models.UNet"/> is one: <c>unet.Forward</c>.
/// </summary>
public delegate Tensor EpsilonModel(Tensor x, Tensor t);

/// <summary>Adapters to <see cref="EpsilonModel"/>.</summary>
public static class EpsilonModels
{
    /// <summary>The model <paramref name="module"/>'s forward as an <see cref="EpsilonModel"/>.</summary>
    public static EpsilonModel From(Module<Tensor, Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.Forward;
    }
}
