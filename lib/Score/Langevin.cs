using Diffusion.Engine;
using Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Score;

/// <summary>The result of a Langevin run: the final samples and snapshots of the chain (each an interleaved float array).</summary>
/// <param name="Samples">The final points [B, d], registered in the caller's dispose scope (or owned by the caller when there is none).</param>
/// <param name="Snapshots">Copies of the chain at the recorded steps, the start included.</param>
public sealed record LangevinResult(Tensor Samples, IReadOnlyList<float[]> Snapshots);

/// <summary>Langevin dynamics with a score function (Song and Ermon 2019).</summary>
public static class Langevin
{
    /// <summary>
    /// Unadjusted Langevin dynamics at a fixed noise level σ: x_{k+1} = x_k + (ε/2) s(x_k, σ) + √ε z_k, z_k ~ N(0, I).
    /// As ε → 0 and K → ∞ the chain samples the density whose score is s.
    /// </summary>
    /// <param name="score">The score function.</param>
    /// <param name="x0">Starting points [B, d].</param>
    /// <param name="sigma">The noise level passed to the score.</param>
    /// <param name="stepSize">ε.</param>
    /// <param name="steps">K.</param>
    /// <param name="generator">The source of z (seeded for reproducible runs).</param>
    /// <param name="recordEvery">Keep a snapshot every this many steps (0: none).</param>
    /// <param name="observer">Called after every step (<see cref="SamplingStep.Timestep"/> 0; no x̂_0).</param>
    /// <param name="showProgress">Draws a progress bar.</param>
    /// <param name="cancellation">Stops the chain (as does a notebook interrupt).</param>
    public static LangevinResult Sample(ScoreFunction score, Tensor x0, double sigma, double stepSize, int steps, torch.Generator? generator = null, int recordEvery = 0,
        Action<SamplingStep>? observer = null, bool showProgress = false, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        return Run(score, x0, Enumerable.Repeat((sigma, stepSize), 1).ToArray(), steps, generator, recordEvery, new SamplingHooks(observer, showProgress, cancellation));
    }

    /// <summary>
    /// Annealed Langevin dynamics (Song and Ermon 2019, Algorithm 1): for each σ_i of the ladder, from the largest down,
    /// run <paramref name="stepsPerLevel"/> Langevin steps with step α_i = ε σ_i²/σ_L², so the signal-to-noise ratio of the
    /// update is the same at every level. The observer's <see cref="SamplingStep.Timestep"/> is the level's index i − 1.
    /// </summary>
    public static LangevinResult Annealed(ScoreFunction score, Tensor x0, double[] sigmas, double epsilon, int stepsPerLevel, torch.Generator? generator = null, int recordEvery = 0,
        Action<SamplingStep>? observer = null, bool showProgress = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(sigmas);
        if (sigmas.Length == 0 || sigmas.Any(s => !(s > 0)))
        {
            throw new ArgumentException("the noise ladder needs at least one level, every σ_i > 0", nameof(sigmas));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        double last = sigmas[^1];
        var levels = sigmas.Select(s => (s, epsilon * s * s / (last * last))).ToArray();
        return Run(score, x0, levels, stepsPerLevel, generator, recordEvery, new SamplingHooks(observer, showProgress, cancellation));
    }

    private static LangevinResult Run(ScoreFunction score, Tensor x0, (double Sigma, double Step)[] levels, int stepsPerLevel, torch.Generator? generator,
        int recordEvery, SamplingHooks hooks)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepsPerLevel);
        ArgumentOutOfRangeException.ThrowIfNegative(recordEvery);
        if (x0.dim() != 2 || x0.shape[0] < 1)
        {
            throw new ArgumentException($"the starting points must be [B, d], got shape {Shapes.Format(x0)}", nameof(x0));
        }
        var snapshots = new List<float[]>();
        if (recordEvery > 0)
        {
            snapshots.Add(Snapshot(x0));
        }
        var user = hooks.Observer;
        Action<SamplingStep>? observer = recordEvery == 0 ? user : step =>
        {
            if ((step.Index + 1) % recordEvery == 0)
            {
                snapshots.Add(Snapshot(step.Sample));
            }
            user?.Invoke(step);
        };
        long batch = x0.shape[0];
        var samples = SamplingLoop.Run(x0, levels.Length * stepsPerLevel, "Langevin", (i, x) =>
        {
            int level = i / stepsPerLevel;
            var (sigma, step) = levels[level];
            var sigmaBatch = torch.full([batch], sigma, dtype: x0.dtype, device: x0.device);
            var z = torch.randn(x.shape, dtype: x.dtype, device: x.device, generator: generator);
            var s = score(x, sigmaBatch);
            CheckScore(s, x);
            // x_{k+1} = x_k + (ε/2) s(x_k, σ) + √ε z_k
            return new LoopStep(x + s * (step / 2) + z * Math.Sqrt(step), null, level);
        }, hooks with { Observer = observer });
        return new LangevinResult(samples, snapshots);
    }

    private static void CheckScore(Tensor s, Tensor x)
    {
        if (!s.shape.AsSpan().SequenceEqual(x.shape))
        {
            throw new ArgumentException($"the score has shape {Shapes.Format(s)} but x has shape {Shapes.Format(x)}; a score must return x's shape");
        }
    }

    private static float[] Snapshot(Tensor x)
    {
        using var f = x.to(ScalarType.Float32, torch.CPU);
        return f.data<float>().ToArray();
    }
}
