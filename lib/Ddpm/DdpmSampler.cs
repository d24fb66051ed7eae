using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// Ancestral DDPM sampling, Algorithm 2 of Ho et al. (2020): x_{t−1} = μ̃_t(x_t, x̂_0) + σ_t z, z ~ N(0, I), no noise at the last
/// step. With fewer steps than T (<see cref="Sampler.SetTimesteps(int)"/>) it runs the respaced chain of Nichol and Dhariwal (2021).
/// </summary>
/// <remarks>
/// For a step from t to s (s = t − 1 with all T steps; s = −1, ᾱ_{−1} = 1, after the last):
/// β' = 1 − ᾱ_t / ᾱ_s (= β_t when s = t − 1), α' = 1 − β';
/// x̂_0 = (x_t − √(1 − ᾱ_t) ε̂) / √ᾱ_t, clipped to [−1, 1] when <see cref="ClipSample"/>;
/// μ = β' √ᾱ_s / (1 − ᾱ_t) · x̂_0 + (1 − ᾱ_s) √α' / (1 − ᾱ_t) · x_t (eq. 7; without clipping it equals eq. 11's
/// (x_t − β'/√(1 − ᾱ_t) ε̂) / √α');
/// σ² = β' (<see cref="VarianceType.FixedLarge"/>) or β' (1 − ᾱ_s) / (1 − ᾱ_t) (<see cref="VarianceType.FixedSmall"/>);
/// x_s = μ + σ z for s ≥ 0, x_s = μ at the last step (and no z is drawn there).
/// </remarks>
public sealed class DdpmSampler : Sampler
{
    /// <summary>An ancestral sampler for <paramref name="schedule"/>.</summary>
    /// <param name="schedule">The training schedule.</param>
    /// <param name="variance">σ_t² = β_t (fixed large, the default, as Ho et al. on CIFAR-10) or β̃_t (fixed small).</param>
    /// <param name="clipSample">Clip x̂_0 to [−1, 1] before forming the mean (Ho et al.'s code does; the default).</param>
    /// <param name="spacing">How fewer than T steps are spaced.</param>
    public DdpmSampler(NoiseSchedule schedule, VarianceType variance = VarianceType.FixedLarge, bool clipSample = true,
        TimestepSpacing spacing = TimestepSpacing.Leading)
        : base(schedule, spacing)
    {
        Variance = variance;
        ClipSample = clipSample;
    }

    /// <summary>The reverse-step variance.</summary>
    public VarianceType Variance { get; }

    /// <summary>Whether x̂_0 is clipped to [−1, 1].</summary>
    public bool ClipSample { get; }

    /// <inheritdoc/>
    public override StepResult Step(Tensor modelOutput, int t, Tensor x, NoiseSource noise)
    {
        CheckShapes(modelOutput, x);
        int s = PreviousTimestep(t);
        using var scope = torch.NewDisposeScope();
        // 1. x̂_0 from the predicted noise.
        var x0 = Schedule.PredictOriginal(x, modelOutput, t, ClipSample);
        // 2. The posterior mean μ̃(x_t, x̂_0), plus σ z except at the last step.
        var prev = Schedule.PosteriorStep(x, x0, t, s, Variance, noise);
        return new StepResult(prev.MoveToOuterDisposeScope(), x0.MoveToOuterDisposeScope());
    }
}
