using Diffusion.Ddpm;
using Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// Score-based annealed Langevin dynamics for y = A x + σ_y n (Jalal et al. 2021, "Robust compressed sensing MRI with deep
/// generative priors") with a DDPM ε-model as the prior's score: for each noise level σ_i of a ladder taken from the schedule,
/// largest first, a few steps of
/// x ← x + η_i (s_θ(x, σ_i) + Aᵀ(y − A x)/(σ_y² + γ_i²)) + √(2 η_i) z, η_i = ε σ_i²/σ_L², z ~ N(0, I).
/// </summary>
/// <remarks>
/// <para>
/// The chain lives on the data scale (the images' [−1, 1], where y and A are), as a variance-exploding variable: the DDPM's
/// x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε is √ᾱ_t x̃ with x̃ = x_0 + σ_t ε, σ_t = √((1 − ᾱ_t)/ᾱ_t). The ε-model's score on the VP-scaled
/// x_t is ∇ log p_t(x_t) = −ε̂(x_t, t)/√(1 − ᾱ_t); by the change of variables x_t = √ᾱ_t x̃ the score of x̃ is
/// s_θ(x̃, σ_t) = √ᾱ_t · (−ε̂(√ᾱ_t x̃, t)/√(1 − ᾱ_t)) = −ε̂(√ᾱ_t x̃, t)/σ_t. So level i is a timestep t_i, the model is called on
/// √ᾱ_{t_i} x̃, and σ_i = σ_{t_i} runs from √(1/ᾱ_{T} − 1) (≈ 157 for the linear schedule, T = 1000) down to
/// √(1/ᾱ_1 − 1) = √(β_1/(1 − β_1)) (0.01).
/// </para>
/// <para>
/// The chain starts from x̃ ~ N(0, (1 + σ_1²) I) (the VP prior x_T ~ N(0, I) divided by √ᾱ_T). The likelihood term is
/// Jalal et al.'s: y − A x̃ has covariance σ_y² I + σ_i² A Aᵀ, approximated by (σ_y² + γ_i²) I with γ_i = c σ_i. The observer
/// sees x̃ and Tweedie's x̂_0 = x̃ + σ_i² s_θ = x̃ − σ_i ε̂ at each step.
/// </para>
/// </remarks>
public sealed class ScoreAld
{
    /// <summary>ScoreALD with the model's training <paramref name="schedule"/>.</summary>
    public ScoreAld(NoiseSchedule schedule, ScoreAldOptions? options = null)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Options = options ?? new ScoreAldOptions();
        if (Options.StepsPerLevel < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.StepsPerLevel, "the number of steps per level must be at least 1");
        }
        if (!(Options.StepSize > 0) || double.IsInfinity(Options.StepSize))
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.StepSize, "the step size ε must be positive");
        }
        InverseSampling.CheckNonNegative(Options.SigmaY, "σ_y");
        InverseSampling.CheckNonNegative(Options.GammaScale, "the γ scale");
        LevelTimesteps = Ladder(schedule, Options.Levels);
        Sigmas = LevelTimesteps.Select(t => Sigma(schedule, t)).ToArray();
    }

    /// <summary>The training schedule.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>The settings.</summary>
    public ScoreAldOptions Options { get; }

    /// <summary>The timestep t_i of each level, largest first.</summary>
    public int[] LevelTimesteps { get; }

    /// <summary>σ_i = σ_{t_i} of each level, largest first.</summary>
    public double[] Sigmas { get; }

    /// <summary>η_i = ε σ_i²/σ_L² of each level.</summary>
    public double[] StepSizes => Sigmas.Select(s => Options.StepSize * s * s / (Sigmas[^1] * Sigmas[^1])).ToArray();

    /// <summary>σ_t = √((1 − ᾱ_t)/ᾱ_t), the noise level of x̃ = x_t/√ᾱ_t at 0-based timestep <paramref name="t"/>.</summary>
    public static double Sigma(NoiseSchedule schedule, int t)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return Math.Sqrt(1 / schedule.AlphaBars[t] - 1);
    }

    /// <summary>
    /// The level timesteps: all T (largest first) when <paramref name="levels"/> is null or T, else for each σ of the geometric
    /// ladder σ_max (σ_min/σ_max)^{k/(L−1)} the timestep with the nearest log σ_t, repeats dropped.
    /// </summary>
    public static int[] Ladder(NoiseSchedule schedule, int? levels)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        int n = schedule.T;
        int l = levels ?? n;
        if (l < 1 || l > n)
        {
            throw new ArgumentOutOfRangeException(nameof(levels), levels, $"the number of levels must be in 1 … T = {n}");
        }
        if (l == n)
        {
            return Enumerable.Range(0, n).Reverse().ToArray();
        }
        var logSigma = Enumerable.Range(0, n).Select(t => Math.Log(Sigma(schedule, t))).ToArray();
        double hi = logSigma[n - 1], lo = logSigma[0];
        var picked = new List<int>();
        for (int k = 0; k < l; k++)
        {
            double target = l == 1 ? hi : hi + (lo - hi) * k / (l - 1);
            int best = 0;
            for (int t = 1; t < n; t++)
            {
                if (Math.Abs(logSigma[t] - target) < Math.Abs(logSigma[best] - target))
                {
                    best = t;
                }
            }
            if (picked.Count == 0 || picked[^1] != best)
            {
                picked.Add(best);
            }
        }
        return picked.ToArray();
    }

    /// <summary>
    /// s_θ(x̃, σ_t) = −ε̂(√ᾱ_t x̃, t)/σ_t, the score of the data-scale variable from the ε-model (a new tensor in the caller's scope).
    /// </summary>
    public Tensor Score(EpsilonModel model, Tensor x, int t)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var eps = Sampler.Predict(model, x * Schedule.SqrtAlphaBars[t], t);
        return (eps * (-1 / Sigma(Schedule, t))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs the annealed Langevin chain and returns x̃ after the last level (or Tweedie's x̂_0 with
    /// <see cref="ScoreAldOptions.DenoiseLast"/>), [N, C, H, W] in y's dtype and device, registered in the caller's dispose scope.
    /// </summary>
    /// <param name="model">ε_θ (put a module in eval mode first).</param>
    /// <param name="a">The measurement operator.</param>
    /// <param name="y">The measurements, of the shape A gives the images.</param>
    /// <param name="noise">The source of the start and of every z.</param>
    /// <param name="imageShape">The images' shape [N, C, H, W]; null: the shape of Aᵀy.</param>
    /// <param name="observer">Called after every Langevin step (Count = L · steps per level; Timestep = t_i).</param>
    /// <param name="showProgress">Draws a progress bar.</param>
    /// <param name="cancellation">Stops the loop (as does a notebook interrupt).</param>
    public Tensor Sample(EpsilonModel model, MeasurementOperator a, Tensor y, NoiseSource noise, long[]? imageShape = null,
        Action<SamplingStep>? observer = null, bool showProgress = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(noise);
        long[] shape = InverseSampling.ImageShape(a, y, imageShape);
        var xT = NoiseSources.Draw(noise, shape, y.dtype, y.device);
        xT.mul_(Math.Sqrt(1 + Sigmas[0] * Sigmas[0]));
        double[] etas = StepSizes;
        int k = Options.StepsPerLevel;
        double sigmaY2 = Options.SigmaY * Options.SigmaY;
        var chain = SamplingLoop.Run(xT, LevelTimesteps.Length * k, nameof(ScoreAld), (i, x) =>
        {
            int level = i / k, t = LevelTimesteps[level];
            double sigma = Sigmas[level], eta = etas[level], gamma = Options.GammaScale * sigma;
            // 1. The prior's score from the ε-model on √ᾱ_t x̃, and the likelihood's gradient Aᵀ(y − A x̃)/(σ_y² + γ²).
            var eps = Sampler.Predict(model, x * Schedule.SqrtAlphaBars[t], t);
            var score = eps * (-1 / sigma);
            var likelihood = a.Adjoint(y - a.Forward(x)) * (1 / (sigmaY2 + gamma * gamma));
            // 2. The Langevin step.
            var z = NoiseSources.Draw(noise, x);
            var next = x + (score + likelihood) * eta + z * Math.Sqrt(2 * eta);
            return new LoopStep(next, observer is null ? null : x - eps * sigma, t);
        }, new SamplingHooks(observer, showProgress, cancellation), ownsStart: true);
        if (!Options.DenoiseLast)
        {
            return chain;
        }
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            int t = LevelTimesteps[^1];
            var eps = Sampler.Predict(model, chain * Schedule.SqrtAlphaBars[t], t);
            return (chain - eps * Sigmas[^1]).MoveToOuterDisposeScope();
        }
        finally
        {
            chain.Dispose();
        }
    }

    /// <summary>The chain of <see cref="Sample(EpsilonModel, MeasurementOperator, Tensor, NoiseSource, long[], Action{SamplingStep}?, bool, CancellationToken)"/> with draws from <paramref name="generator"/> (null: the global generator).</summary>
    public Tensor Sample(EpsilonModel model, MeasurementOperator a, Tensor y, torch.Generator? generator = null, long[]? imageShape = null,
        Action<SamplingStep>? observer = null, bool showProgress = false, CancellationToken cancellation = default) =>
        Sample(model, a, y, NoiseSources.From(generator), imageShape, observer, showProgress, cancellation);
}
