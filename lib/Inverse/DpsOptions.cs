using Diffusion.Ddpm;

namespace Diffusion.Inverse;

/// <summary>
/// Settings of <see cref="Dps"/>. The defaults are Chung et al. (2023)'s for FFHQ inpainting (DPS2022 repository,
/// <c>configs/inpainting_config.yaml</c> and <c>diffusion_config.yaml</c>): ζ = 0.5, every one of the T = 1000 steps, x̂_0
/// clipped to [−1, 1]. Their deblurring and ×4 super-resolution configurations use ζ = 0.3 (<see cref="GaussianDeblur"/>,
/// <see cref="SuperResolution"/>). Their model learns its variance ("learned_range"); an ε-model has none, so σ_t² is fixed.
/// </summary>
public sealed record DpsOptions
{
    /// <summary>ζ, the step size of the measurement gradient (the public code's <c>scale</c>; the published values are for <see cref="DpsStepRule.UnsquaredNorm"/>).</summary>
    public double Scale { get; init; } = 0.5;

    /// <summary>
    /// The norm the step descends: <see cref="DpsStepRule.UnsquaredNorm"/> (default: ζ ∇‖y − A(x̂_0)‖, the public code, for which
    /// the published ζ hold) or <see cref="DpsStepRule.SquaredNorm"/> (ζ ∇‖y − A(x̂_0)‖², Algorithm 1 as printed).
    /// </summary>
    public DpsStepRule StepRule { get; init; } = DpsStepRule.UnsquaredNorm;

    /// <summary>The number of ancestral steps (evenly spaced from T − 1 to 0); null: all T.</summary>
    public int? Steps { get; init; }

    /// <summary>σ_t² of each ancestral step (the library's DDPM default, β_t).</summary>
    public VarianceType Variance { get; init; } = VarianceType.FixedLarge;

    /// <summary>Clip x̂_0 to [−1, 1], both in the posterior mean and in the residual y − A(x̂_0) (the public code's <c>clip_denoised: True</c>; the clip passes no gradient where it bites).</summary>
    public bool ClipDenoised { get; init; } = true;

    /// <summary>The published setting for inpainting (ζ = 0.5).</summary>
    public static DpsOptions Inpainting => new() { Scale = 0.5 };

    /// <summary>The published setting for Gaussian deblurring (kernel 61, σ 3: ζ = 0.3).</summary>
    public static DpsOptions GaussianDeblur => new() { Scale = 0.3 };

    /// <summary>The published setting for ×4 super-resolution (ζ = 0.3).</summary>
    public static DpsOptions SuperResolution => new() { Scale = 0.3 };
}
