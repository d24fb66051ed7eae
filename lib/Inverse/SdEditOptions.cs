using Diffusion.Ddpm;

namespace Diffusion.Inverse;

/// <summary>
/// Settings of <see cref="SdEdit"/>. The defaults are the public SDEdit code's (ermongroup/SDEdit, <c>main.py</c> and
/// <c>configs/celeba.yml</c>): t0 = 400 of T = 1000, K = 3 repeats, every timestep, σ_t² = β̃_t ("fixedsmall"), no clipping
/// of x̂_0 (its step is eq. 11's mean), known pixels of a mask re-noised at every step, no data-fidelity step. Hurley's report
/// "Diffusion Model Exploration" used t0 = 450–800 of 1000 in its inverse-problem comparison.
/// </summary>
public sealed record SdEditOptions
{
    /// <summary>
    /// t0 as a fraction of T, in [0, 1] (the paper's t0 ∈ [0, 1]; its public code passes t = 400 of 1000). The guess is noised
    /// to step n0 = round(t0 · T) (0-based index n0 − 1) and denoised from there; t0 = 0 returns the guess unchanged.
    /// </summary>
    public double T0 { get; init; } = 0.4;

    /// <summary>K ≥ 1: the noise-and-denoise pass runs K times, each pass starting from the previous result (<c>--sample_step</c>, 3).</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>The number of reverse steps per pass (evenly spaced from n0 − 1 down to 0); null: all n0 of them.</summary>
    public int? Steps { get; init; }

    /// <summary>σ_t² of each reverse step (the public code's CelebA-HQ model: fixed small).</summary>
    public VarianceType Variance { get; init; } = VarianceType.FixedSmall;

    /// <summary>Clip x̂_0 to [−1, 1] before the posterior mean (off: the public code uses eq. 11 unclipped).</summary>
    public bool ClipDenoised { get; init; }

    /// <summary>
    /// For a <see cref="PixelMask"/>: how the known pixels are kept after each step (default <see cref="SdEditKnownPixels.Renoised"/>,
    /// q(y | s) with the pass's noise e, as the public code; <see cref="SdEditKnownPixels.Clean"/>, y itself, as Hurley's report;
    /// <see cref="SdEditKnownPixels.Free"/>, not kept). Ignored for other operators.
    /// </summary>
    public SdEditKnownPixels KnownPixels { get; init; } = SdEditKnownPixels.Renoised;

    /// <summary>
    /// γ ≥ 0, the weight of a data-fidelity correction of every step's x̂_0 before the posterior mean (<see cref="DataFidelity"/>);
    /// 0 (default): none, plain SDEdit. For operators whose y does not fix pixels (a blur), this is how y enters the chain at all.
    /// </summary>
    public double FidelityWeight { get; init; }

    /// <summary>The data-fidelity step: a gradient step (default) or a proximal step on ½‖y − A x̂_0‖².</summary>
    public DataFidelityStep FidelityStep { get; init; } = DataFidelityStep.Gradient;
}
