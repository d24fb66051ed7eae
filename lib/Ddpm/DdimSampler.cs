using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// DDIM sampling (Song, Meng and Ermon 2021, eq. 12) over a subsequence of the timesteps: η = 0 gives the deterministic
/// implicit model, η = 1 the DDPM-like stochastic one. The default spacing is the paper's uniform one
/// (<see cref="TimestepSpacing.Leading"/>: T = 1000, 50 steps → 980, 960, …, 0).
/// </summary>
/// <remarks>
/// For a step from t to s (the next timestep of the list; s = −1 with ᾱ_{−1} = 1 after the last):
/// x̂_0 = (x_t − √(1 − ᾱ_t) ε̂) / √ᾱ_t (when <see cref="ClipSample"/>, clipped to [−1, 1] and ε̂ recomputed as
/// (x_t − √ᾱ_t x̂_0) / √(1 − ᾱ_t) so the two stay consistent);
/// σ = η √((1 − ᾱ_s) / (1 − ᾱ_t)) √(1 − ᾱ_t / ᾱ_s);
/// x_s = √ᾱ_s x̂_0 + √(1 − ᾱ_s − σ²) ε̂ + σ z, z ~ N(0, I) drawn only when σ &gt; 0 (never at the last step).
/// </remarks>
public sealed class DdimSampler : Sampler
{
    /// <summary>A DDIM sampler for <paramref name="schedule"/>.</summary>
    /// <param name="schedule">The training schedule.</param>
    /// <param name="eta">η ≥ 0, the scale of the per-step noise (0: deterministic).</param>
    /// <param name="steps">The number of sampling steps (<see cref="Sampler.SetTimesteps(int)"/>; may be changed later); null means T.</param>
    /// <param name="clipSample">Clip x̂_0 to [−1, 1] (off by default, as in the DDIM code).</param>
    /// <param name="spacing">How the steps are spaced.</param>
    public DdimSampler(NoiseSchedule schedule, double eta = 0.0, int? steps = 50, bool clipSample = false, TimestepSpacing spacing = TimestepSpacing.Leading)
        : base(schedule, spacing)
    {
        if (!(eta >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(eta), eta, "η must be non-negative");
        }
        Eta = eta;
        ClipSample = clipSample;
        SetTimesteps(Math.Min(steps ?? schedule.T, schedule.T));
    }

    /// <summary>η, the scale of the per-step noise.</summary>
    public double Eta { get; }

    /// <summary>Whether x̂_0 is clipped to [−1, 1].</summary>
    public bool ClipSample { get; }

    /// <summary>σ for a step from <paramref name="t"/> to the next timestep of the list.</summary>
    public double Sigma(int t)
    {
        double alphaBar = Schedule.AlphaBar(t), alphaBarPrev = Schedule.AlphaBar(PreviousTimestep(t));
        return Eta * Math.Sqrt((1 - alphaBarPrev) / (1 - alphaBar)) * Math.Sqrt(1 - alphaBar / alphaBarPrev);
    }

    /// <inheritdoc/>
    public override StepResult Step(Tensor modelOutput, int t, Tensor x, NoiseSource noise)
    {
        CheckShapes(modelOutput, x);
        int s = PreviousTimestep(t);
        double alphaBar = Schedule.AlphaBar(t), alphaBarPrev = Schedule.AlphaBar(s);

        using var scope = torch.NewDisposeScope();
        // 1. x̂_0 (and the noise it implies, when clipped).
        var x0 = Schedule.PredictOriginal(x, modelOutput, t, ClipSample);
        var eps = ClipSample ? (x - x0 * Math.Sqrt(alphaBar)) * (1 / Math.Sqrt(1 - alphaBar)) : modelOutput;
        // 2. σ_t(η).
        double sigma = Sigma(t);
        // 3. x_s = √ᾱ_s x̂_0 + "direction pointing to x_t" + σ z.
        var prev = x0 * Math.Sqrt(alphaBarPrev) + eps * Math.Sqrt(Math.Max(0, 1 - alphaBarPrev - sigma * sigma));
        if (sigma > 0)
        {
            var z = NoiseSources.Draw(noise, x);
            prev = prev + z * sigma;
        }
        return new StepResult(prev.MoveToOuterDisposeScope(), x0.MoveToOuterDisposeScope());
    }
}
