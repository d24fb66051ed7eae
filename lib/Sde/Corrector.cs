using Diffusion.Ddpm;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// Score-based MCMC at a fixed time t: <see cref="Steps"/> Langevin moves x̄ = x + ε s(x, t), x = x̄ + √(2ε) z that leave p_t
/// (approximately) invariant. Subclasses choose the step size ε. Each move evaluates the score once.
/// </summary>
public abstract class Corrector
{
    /// <summary>A corrector with signal-to-noise ratio <paramref name="snr"/> and <paramref name="steps"/> moves per call.</summary>
    protected Corrector(Sde sde, ScoreModel score, NoiseSource noise, double snr, int steps)
    {
        Sde = sde ?? throw new ArgumentNullException(nameof(sde));
        Score = score ?? throw new ArgumentNullException(nameof(score));
        Noise = noise ?? throw new ArgumentNullException(nameof(noise));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snr);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        Snr = snr;
        Steps = steps;
    }

    /// <summary>The forward SDE.</summary>
    public Sde Sde { get; }

    /// <summary>The score model.</summary>
    public ScoreModel Score { get; }

    /// <summary>Where z ~ N(0, I) comes from.</summary>
    public NoiseSource Noise { get; }

    /// <summary>r, the signal-to-noise ratio that sets the step size.</summary>
    public double Snr { get; }

    /// <summary>The number of Langevin moves per call (M in the paper).</summary>
    public int Steps { get; }

    /// <summary>Runs <see cref="Steps"/> moves at times t [B]: (x, x̄ of the last move).</summary>
    public (Tensor X, Tensor XMean) Update(Tensor x, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = torch.NewDisposeScope();
        Tensor current = x, mean = x;
        for (int i = 0; i < Steps; i++)
        {
            var grad = Score(current, t);
            var z = Noise(current.shape, current.dtype, current.device);
            var eps = Sde.Rows(StepSize(current, t, grad, z), current);
            mean = current + eps * grad;
            current = mean + (eps * 2).sqrt() * z;
        }
        return (current.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope());
    }

    /// <summary>The step size ε [B] for the current move.</summary>
    protected abstract Tensor StepSize(Tensor x, Tensor t, Tensor grad, Tensor z);

    /// <summary>α_i = 1 − β_i for the VP SDE, 1 otherwise (score_sde_pytorch's Langevin scaling), shape [B].</summary>
    protected Tensor Alpha(Tensor t, Tensor like) =>
        Sde is VpSde vp ? vp.DiscreteAlpha(t, like) : torch.ones(t.shape[0], dtype: like.dtype, device: like.device);
}

/// <summary>
/// Langevin corrector with the snr rule (Song et al. 2021, Algorithm 5): ε = 2 α_i (r ‖z‖ / ‖s‖)², the norms of z and of
/// the score taken per sample and averaged over the batch.
/// </summary>
public sealed class LangevinCorrector(Sde sde, ScoreModel score, NoiseSource noise, double snr = 0.16, int steps = 1)
    : Corrector(sde, score, noise, snr, steps)
{
    /// <inheritdoc/>
    protected override Tensor StepSize(Tensor x, Tensor t, Tensor grad, Tensor z)
    {
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0];
        var gradNorm = grad.reshape(b, -1).norm(1).mean();
        var noiseNorm = z.reshape(b, -1).norm(1).mean();
        var eps = Alpha(t, x) * ((noiseNorm * Snr / gradNorm).square() * 2);
        return eps.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Annealed Langevin dynamics (Song and Ermon 2019, as score_sde_pytorch's <c>AnnealedLangevinDynamics</c>):
/// ε = 2 α_i (r σ(t))², σ(t) the marginal std.
/// </summary>
public sealed class AnnealedLangevinCorrector(Sde sde, ScoreModel score, NoiseSource noise, double snr = 0.16, int steps = 1)
    : Corrector(sde, score, noise, snr, steps)
{
    /// <inheritdoc/>
    protected override Tensor StepSize(Tensor x, Tensor t, Tensor grad, Tensor z)
    {
        using var scope = torch.NewDisposeScope();
        var std = Sde.MarginalStd(t).to(x.dtype);
        var eps = Alpha(t, x) * (std * Snr).square() * 2;
        return eps.MoveToOuterDisposeScope();
    }
}
