using Diffusion.Hosting;
using Diffusion.Tensors;

namespace Diffusion.Score;

/// <summary>The result of a Langevin run: the final samples and snapshots of the chain (each an interleaved float array).</summary>
/// <param name="Samples">The final points [B, d]; the caller owns them.</param>
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
    public static LangevinResult Sample(ScoreFunction score, Tensor x0, double sigma, double stepSize, int steps, Generator? generator = null, int recordEvery = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        return Run(score, x0, Enumerable.Repeat((sigma, stepSize), 1).ToArray(), steps, generator, recordEvery);
    }

    /// <summary>
    /// Annealed Langevin dynamics (Song and Ermon 2019, Algorithm 1): for each σ_i of the ladder, from the largest down,
    /// run <paramref name="stepsPerLevel"/> Langevin steps with step α_i = ε σ_i²/σ_L², so the signal-to-noise ratio of the
    /// update is the same at every level.
    /// </summary>
    public static LangevinResult Annealed(ScoreFunction score, Tensor x0, double[] sigmas, double epsilon, int stepsPerLevel, Generator? generator = null, int recordEvery = 0)
    {
        ArgumentNullException.ThrowIfNull(sigmas);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        double last = sigmas[^1];
        var levels = sigmas.Select(s => (s, epsilon * s * s / (last * last))).ToArray();
        return Run(score, x0, levels, stepsPerLevel, generator, recordEvery);
    }

    private static LangevinResult Run(ScoreFunction score, Tensor x0, (double Sigma, double Step)[] levels, int stepsPerLevel, Generator? generator, int recordEvery)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepsPerLevel);
        var snapshots = new List<float[]>();
        using var noGrad = Torch.NoGrad();
        var x = x0.Alias();
        if (recordEvery > 0)
        {
            snapshots.Add(Snapshot(x));
        }
        int k = 0;
        long batch = x.Size(0);
        foreach (var (sigma, step) in levels)
        {
            using var sigmaBatch = Torch.Full([batch], sigma, x.DType);
            for (int i = 0; i < stepsPerLevel; i++)
            {
                NotebookHost.ThrowIfCancelled();
                using var scope = new TensorScope();
                var z = Torch.RandnLike(x, generator: generator);
                var s = score(x, sigmaBatch);
                var next = scope.Keep(x + s * (step / 2) + z * Math.Sqrt(step));
                x.Dispose();
                x = next;
                k++;
                if (recordEvery > 0 && k % recordEvery == 0)
                {
                    snapshots.Add(Snapshot(x));
                }
            }
        }
        return new LangevinResult(x, snapshots);
    }

    private static float[] Snapshot(Tensor x)
    {
        using var f = x.To(DType.Float32);
        return f.ToArray<float>();
    }
}
