namespace Diffusion.Inverse;

/// <summary>
/// Settings of <see cref="ScoreAld"/>. The defaults follow Jalal et al. (2021)'s public code (utcsilab/csgm-mri-langevin,
/// <c>configs/run_langevin.yaml</c>): 3 Langevin steps per noise level, step_lr ε = 9·10⁻⁷ (NCSNv2's FFHQ value, for a
/// ladder ending at σ_L ≈ 0.0066; a DDPM linear schedule ends at σ_L ≈ 0.01, so ε/σ_L² ≈ 0.009 there) and one level per
/// noise level of the model (their NCSNv2 had 2311; a DDPM has T).
/// </summary>
public sealed record ScoreAldOptions
{
    /// <summary>
    /// L, the number of noise levels; null: every timestep of the schedule (L = T). Fewer levels pick the timesteps whose σ_t is
    /// nearest (in log σ) to a geometric ladder from σ_max to σ_min (repeats dropped, so the ladder may come out shorter).
    /// </summary>
    public int? Levels { get; init; }

    /// <summary>Langevin steps per level (<c>n_steps_each</c>, 3).</summary>
    public int StepsPerLevel { get; init; } = 3;

    /// <summary>
    /// ε, the step size at the last level: η_i = ε σ_i²/σ_L² (<c>step_lr</c>, 9·10⁻⁷). The update is stable while η_i times the
    /// largest curvature stays below 2, which for large σ_i needs about ε &lt; σ_L².
    /// </summary>
    public double StepSize { get; init; } = 9e-7;

    /// <summary>σ_y, the standard deviation of the measurement noise on the [−1, 1] image scale (DPS's 0.05).</summary>
    public double SigmaY { get; init; } = 0.05;

    /// <summary>γ_i = c σ_i, the annealed slack of the likelihood term (c = 1: the level's own noise, as the public code divides by σ_i²).</summary>
    public double GammaScale { get; init; } = 1.0;

    /// <summary>Return Tweedie's x̂_0 = x + σ_L² s_θ(x, σ_L) after the last step instead of x (NCSNv2's <c>denoise</c>; off in Jalal et al.'s code).</summary>
    public bool DenoiseLast { get; init; }
}
