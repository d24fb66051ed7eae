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
    /// The module's forward call (hooks included) as an <see cref="EpsilonModel"/>, computing in <paramref name="precision"/>:
    /// with <see cref="Precision.BFloat16"/> the call runs in a bfloat16 <see cref="Autocast"/> block and ε̂ comes back in
    /// float32, so that the sampler's own arithmetic stays float32.
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
            using var scope = NewDisposeScope();
            using var autocast = Autocast.Enter(precision, x.device_type);
            return module.call(x, t).to(x.dtype).MoveToOuterDisposeScope();
        };
    }
}
