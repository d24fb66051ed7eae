using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// The simplified DDPM training objective (Ho et al. 2020, eq. 14), the loss of Algorithm 1:
/// L_simple = E_{t, x_0, ε} ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖², with t ~ U{0, …, T − 1} (0-based) and ε ~ N(0, I).
/// </summary>
public sealed class DdpmLoss
{
    /// <summary>The loss for the forward process of <paramref name="schedule"/>.</summary>
    public DdpmLoss(NoiseSchedule schedule)
    {
        Process = new ForwardProcess(schedule ?? throw new ArgumentNullException(nameof(schedule)));
    }

    /// <summary>The forward process that noises x_0.</summary>
    public ForwardProcess Process { get; }

    /// <summary>The schedule.</summary>
    public NoiseSchedule Schedule => Process.Schedule;

    /// <summary>
    /// Algorithm 1, one Monte Carlo estimate over a batch: draws t [B] ~ U{0, …, T − 1}, then ε ~ N(0, I) of x_0's shape (in that
    /// order, from <paramref name="generator"/> or the global generator), and returns the mean squared error (a scalar with grad,
    /// registered in the caller's dispose scope).
    /// </summary>
    /// <param name="model">ε_θ.</param>
    /// <param name="x0">Clean data [B, …] (images scaled to [−1, 1]).</param>
    /// <param name="generator">The source of t and ε.</param>
    public Tensor Compute(EpsilonModel model, Tensor x0, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x0);
        if (x0.dim() < 1)
        {
            throw new ArgumentException($"x_0 must be a batch [B, …], got shape {Shapes.Format(x0)}", nameof(x0));
        }
        using var scope = torch.NewDisposeScope();
        var t = torch.randint(0, Schedule.T, [x0.shape[0]], dtype: ScalarType.Int64, device: x0.device, generator: generator);
        var noise = torch.randn(x0.shape, dtype: x0.dtype, device: x0.device, generator: generator);
        return Compute(model, x0, t, noise).MoveToOuterDisposeScope();
    }

    /// <summary>The loss for given timesteps <paramref name="t"/> [B] and noise <paramref name="noise"/>: MSE(ε_θ(x_t, t), ε).</summary>
    public Tensor Compute(EpsilonModel model, Tensor x0, Tensor t, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = torch.NewDisposeScope();
        var xt = Process.QSample(x0, t, noise);
        var predicted = model(xt, t);
        if (!predicted.shape.AsSpan().SequenceEqual(noise.shape))
        {
            throw new ArgumentException($"the model output has shape {Shapes.Format(predicted)} but the noise has shape {Shapes.Format(noise)}; an ε-model must return x's shape", nameof(model));
        }
        return nn.functional.mse_loss(predicted, noise).MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Compute(EpsilonModel, Tensor, torch.Generator?)"/> for a module such as the UNet.</summary>
    public Tensor Compute(nn.Module<Tensor, Tensor, Tensor> model, Tensor x0, torch.Generator? generator = null) =>
        Compute(EpsilonModels.From(model), x0, generator);
}
