using Diffusion.Engine;
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
    /// <summary>
    /// The module's forward call (hooks included) as an <see cref="EpsilonModel"/>, with the network in <paramref name="precision"/>:
    /// Float32 (the default) calls it as it is; BFloat16 runs it under <see cref="Autocast"/> and returns ε̂ in x's dtype, so the
    /// sampler's arithmetic stays float32.
    /// </summary>
    public static EpsilonModel From(nn.Module<Tensor, Tensor, Tensor> module, Precision precision = Precision.Float32)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (precision == Precision.Float32)
        {
            return module.call;
        }
        return (x, t) =>
        {
            using var autocast = Autocast.Enter(precision, x.device_type);
            using var scope = torch.NewDisposeScope();
            return module.call(x, t).to(x.dtype).MoveToOuterDisposeScope();
        };
    }
}
