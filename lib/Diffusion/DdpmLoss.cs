using Diffusion.Nn;
using Diffusion.Tensors;

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
    /// order, from <paramref name="generator"/> or the global generator), and returns the mean squared error (a scalar with grad).
    /// </summary>
    /// <param name="model">ε_θ.</param>
    /// <param name="x0">Clean data [B, …] (images scaled to [−1, 1]).</param>
    /// <param name="generator">The source of t and ε.</param>
    public Tensor Compute(EpsilonModel model, Tensor x0, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = new TensorScope();
        var t = Torch.Randint(0, Schedule.T, [x0.Size(0)], device: x0.Device, generator: generator);
        var noise = Torch.RandnLike(x0, generator: generator);
        return scope.Keep(Compute(model, x0, t, noise));
    }

    /// <summary>The loss for given timesteps <paramref name="t"/> [B] and noise <paramref name="noise"/>: MSE(ε_θ(x_t, t), ε).</summary>
    public Tensor Compute(EpsilonModel model, Tensor x0, Tensor t, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = new TensorScope();
        var xt = Process.QSample(x0, t, noise);
        var predicted = model(xt, t);
        return scope.Keep(Functional.MseLoss(predicted, noise));
    }

    /// <summary><see cref="Compute(EpsilonModel, Tensor, Generator?)"/> for a module such as the UNet.</summary>
    public Tensor Compute(Module<Tensor, Tensor, Tensor> model, Tensor x0, Generator? generator = null) =>
        Compute(EpsilonModels.From(model), x0, generator);
}
