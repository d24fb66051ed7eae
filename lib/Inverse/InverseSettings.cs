namespace Diffusion.Inverse;

/// <summary>
/// The settings of <see cref="InverseEvaluation"/>: σ_y, each sampler's options, the TV solvers and their λ grid. The
/// defaults are the evaluation command's (respaced chains that fit a CPU budget); the notebook uses fewer steps still.
/// </summary>
public sealed record InverseSettings
{
    /// <summary>σ_y on the [−1, 1] image scale (DPS's 0.05).</summary>
    public double SigmaY { get; init; } = 0.05;

    /// <summary>SDEdit: t0 = 0.5 (Hurley's "Diffusion Model Exploration" swept 450–800 of 1000; 450–500 scored best), one pass, 50 respaced reverse steps, known pixels re-noised.</summary>
    public SdEditOptions SdEdit { get; init; } = new() { T0 = 0.5, Repeats = 1, Steps = 50 };

    /// <summary>
    /// ScoreALD: 50 noise levels of the geometric ladder, 3 Langevin steps each, γ_i = σ_i, ε = 9·10⁻⁷ · 1000/50 (<see cref="AldStepSize"/>).
    /// </summary>
    public ScoreAldOptions ScoreAld { get; init; } = new() { Levels = 50, StepsPerLevel = 3, StepSize = AldStepSize(50) };

    /// <summary>DPS: the number of ancestral steps (null: all T = 1000); ζ comes from the task (<see cref="InverseTask.DpsScale"/>).</summary>
    public int? DpsSteps { get; init; } = 100;

    /// <summary>
    /// Multiply the task's ζ by T/steps when DPS runs fewer than T steps (the guidance per step grows as the steps thin out, so
    /// the total pull towards the measurements stays that of the T-step chain). Off: ζ as published.
    /// </summary>
    public bool ScaleDpsStepWithRespacing { get; init; } = true;

    /// <summary>
    /// ε for a ladder of <paramref name="levels"/> levels: the published 9·10⁻⁷ (for T = 1000 levels) times 1000/L. Each level's
    /// steps contract the excess noise by about (1 − ε/σ_L²)^steps, so L levels need ε/σ_L² about 1000/L times larger to reach the
    /// data scale by the last level (with 9·10⁻⁷ and 50 levels the chain ends with a quarter of its starting noise: PSNR ≈ 3 dB).
    /// </summary>
    public static double AldStepSize(int levels, int t = 1000) => new ScoreAldOptions().StepSize * t / levels;

    /// <summary>The TV baselines (Adam-TV, HQS-TV, ADMM-TV with their library defaults).</summary>
    public IReadOnlyList<ITvSolver> TvSolvers { get; init; } = [new AdamTv(), new HqsTv(), new AdmmTv()];

    /// <summary>The λ grid each TV solver's weight is chosen from on the validation digits (units of the [−1, 1] scale).</summary>
    public IReadOnlyList<double> LambdaGrid { get; init; } = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1];

    /// <summary>B, the bootstrap resamples of every interval and paired difference of the table (<see cref="Metrics.Bootstrap"/>).</summary>
    public int BootstrapResamples { get; init; } = Metrics.Bootstrap.DefaultResamples;

    /// <summary>The level of the table's bootstrap intervals (0.95).</summary>
    public double ConfidenceLevel { get; init; } = Metrics.Bootstrap.DefaultLevel;

    /// <summary>Digits per sampler batch (the samplers treat each digit separately; batching only shares the model calls).</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>DPS's step rule (<see cref="DpsStepRule.UnsquaredNorm"/>, the public code's, for which the tasks' published ζ hold).</summary>
    public DpsStepRule DpsRule { get; init; } = DpsStepRule.UnsquaredNorm;

    /// <summary>DPS's ζ for every task (chosen on validation digits, e.g. for <see cref="DpsStepRule.SquaredNorm"/>); null: the task's published ζ.</summary>
    public double? DpsScale { get; init; }

    /// <summary>
    /// The DPS options for <paramref name="task"/>: ζ (<see cref="DpsScale"/>, else the task's; scaled by T/steps when
    /// <see cref="ScaleDpsStepWithRespacing"/>), <see cref="DpsSteps"/> and <see cref="DpsRule"/>.
    /// </summary>
    public DpsOptions DpsFor(InverseTask task, int t = 1000)
    {
        ArgumentNullException.ThrowIfNull(task);
        int steps = DpsSteps ?? t;
        double zeta = DpsScale ?? task.DpsScale;
        double scale = ScaleDpsStepWithRespacing ? zeta * t / steps : zeta;
        return new DpsOptions { Scale = scale, Steps = steps, StepRule = DpsRule };
    }
}
