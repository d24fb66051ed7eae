using Diffusion.Ddpm;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// One step of a numerical solver of the reverse-time SDE, from time t to t − T/N: returns the new sample x and its mean
/// x̄ (x without the step's noise; the PC sampler returns x̄ at the last step). Each evaluates the score once.
/// </summary>
public abstract class Predictor
{
    /// <summary>A predictor for <paramref name="sde"/> driven by <paramref name="score"/>, drawing noise from <paramref name="noise"/>.</summary>
    protected Predictor(Sde sde, ScoreModel score, NoiseSource noise)
    {
        Sde = sde ?? throw new ArgumentNullException(nameof(sde));
        Score = score ?? throw new ArgumentNullException(nameof(score));
        Noise = noise ?? throw new ArgumentNullException(nameof(noise));
        ReverseSde = sde.Reverse(score);
    }

    /// <summary>The forward SDE.</summary>
    public Sde Sde { get; }

    /// <summary>The score model.</summary>
    public ScoreModel Score { get; }

    /// <summary>Where z ~ N(0, I) comes from.</summary>
    public NoiseSource Noise { get; }

    /// <summary>The reverse-time SDE of <see cref="Sde"/> and <see cref="Score"/>.</summary>
    protected ReverseSde ReverseSde { get; }

    /// <summary>One step at times t [B]: (x, x̄), both new tensors.</summary>
    public abstract (Tensor X, Tensor XMean) Update(Tensor x, Tensor t);

    /// <summary>z ~ N(0, I) of x's shape, dtype and device.</summary>
    protected Tensor DrawNoise(Tensor x) => Noise(x.shape, x.dtype, x.device);
}

/// <summary>
/// Euler-Maruyama on the reverse SDE: x̄ = x − [f(x, t) − g(t)² s(x, t)] Δt, x = x̄ + g(t) √Δt z, with Δt = T/N.
/// </summary>
public sealed class EulerMaruyamaPredictor(Sde sde, ScoreModel score, NoiseSource noise) : Predictor(sde, score, noise)
{
    /// <inheritdoc/>
    public override (Tensor X, Tensor XMean) Update(Tensor x, Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        double dt = -Sde.T / Sde.N;
        var drift = ReverseSde.Drift(x, t);
        var g = ReverseSde.Diffusion(t);
        var mean = x + drift * dt;
        var next = mean + Sde.Rows(g, x) * DrawNoise(x) * Math.Sqrt(-dt);
        return (next.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope());
    }
}

/// <summary>
/// The reverse-diffusion predictor (Song et al. 2021, eq. 46): the forward discretisation run backwards,
/// x̄ = x − f_i + G_i² s(x, t), x = x̄ + G_i z.
/// </summary>
public sealed class ReverseDiffusionPredictor(Sde sde, ScoreModel score, NoiseSource noise) : Predictor(sde, score, noise)
{
    /// <inheritdoc/>
    public override (Tensor X, Tensor XMean) Update(Tensor x, Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var (f, g) = ReverseSde.Discretize(x, t);
        var mean = x - f;
        var next = mean + Sde.Rows(g, x) * DrawNoise(x);
        return (next.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope());
    }
}

/// <summary>
/// Ancestral sampling (Song et al. 2021, eqs. 47 and 48). VP (DDPM): x̄ = (x + β_i s) / √(1 − β_i), x = x̄ + √β_i z.
/// VE (SMLD): x̄ = x + (σ_i² − σ_{i−1}²) s, x = x̄ + √(σ_{i−1}² (σ_i² − σ_{i−1}²) / σ_i²) z. Not defined for sub-VP.
/// </summary>
public sealed class AncestralPredictor : Predictor
{
    /// <summary>An ancestral predictor; <paramref name="sde"/> must be a <see cref="VpSde"/> or a <see cref="VeSde"/>.</summary>
    public AncestralPredictor(Sde sde, ScoreModel score, NoiseSource noise) : base(sde, score, noise)
    {
        if (sde is not (VpSde or VeSde))
        {
            throw new ArgumentException($"ancestral sampling is defined for the VP and VE SDEs only, not {sde.GetType().Name}", nameof(sde));
        }
    }

    /// <inheritdoc/>
    public override (Tensor X, Tensor XMean) Update(Tensor x, Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var s = Score(x, t);
        Tensor mean, std;
        if (Sde is VpSde vp)
        {
            var beta = vp.DiscreteBeta(t, x);
            mean = (x + Sde.Rows(beta, x) * s) / Sde.Rows((1 - beta).sqrt(), x);
            std = beta.sqrt();
        }
        else
        {
            var ve = (VeSde)Sde;
            var sigma2 = ve.DiscreteSigma(t, x).square();
            var adjacent2 = ve.AdjacentSigma(t, x).square();
            mean = x + Sde.Rows(sigma2 - adjacent2, x) * s;
            std = (adjacent2 * (sigma2 - adjacent2) / sigma2).sqrt();
        }
        var next = mean + Sde.Rows(std, x) * DrawNoise(x);
        return (next.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope());
    }
}
