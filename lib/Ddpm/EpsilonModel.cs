using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// A noise-prediction model ε_θ(x_t, t): images x_t [B, …] and 0-based timesteps t [B] (int64) in, the predicted noise of
/// x_t's shape out (a new tensor, registered in the caller's dispose scope). Any <c>nn.Module&lt;Tensor, Tensor, Tensor&gt;</c>
/// is one through <see cref="EpsilonModels.From"/> (the course's UNet, or a model of your own); so is a lambda
/// <c>(x, t) =&gt; …</c>. The samplers depend on this delegate only, not on the course's models.
/// </summary>
public delegate Tensor EpsilonModel(Tensor x, Tensor t);

/// <summary>Adapters to <see cref="EpsilonModel"/>.</summary>
public static class EpsilonModels
{
    /// <summary>The module's forward call (hooks included) as an <see cref="EpsilonModel"/>.</summary>
    public static EpsilonModel From(nn.Module<Tensor, Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.call;
    }
}
