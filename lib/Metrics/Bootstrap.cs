using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>
/// The percentile bootstrap (Efron and Tibshirani 1993, ch. 13) of a mean over images: how far the mean PSNR (SSIM, feature
/// distance) of a table cell could move if the same method ran on another draw of as many digits.
/// </summary>
/// <remarks>
/// <para>
/// For values v_1 … v_n (one per digit): draw B resamples, each n indices i_1 … i_n uniformly with replacement, and their means
/// m*_b = (1/n) Σ_k v_{i_k}. The interval at level 1 − α is [q(α/2), q(1 − α/2)], q the percentile of the sorted m*_(1) ≤ … ≤ m*_(B)
/// with linear interpolation between order statistics: for p, h = (B − 1) p, q(p) = m*_(⌊h⌋) + (h − ⌊h⌋)(m*_(⌊h⌋+1) − m*_(⌊h⌋))
/// (0-based; NumPy's default "linear" method). The estimate is the sample mean itself, not the mean of the resamples.
/// </para>
/// <para>
/// The indices come from a torch <see cref="Generator"/> seeded <c>seed</c> on the CPU, so the same values, B and seed give the same
/// interval. The interval's coverage is only approximately the level: the percentile interval is a little short for small n, because the
/// resampled means spread as σ̂/√n with σ̂² the biased (1/n) variance (tests/Metrics/BootstrapTests.cs measures it).
/// </para>
/// </remarks>
public static class Bootstrap
{
    /// <summary>
    /// The default number of resamples B: the Monte Carlo error of a 2.5 % percentile of normal resampled means is
    /// √(p(1 − p)/B)/φ(1.96) ≈ 0.03 standard errors of the mean at B = 10,000.
    /// </summary>
    public const int DefaultResamples = 10_000;

    /// <summary>The default confidence level.</summary>
    public const double DefaultLevel = 0.95;

    /// <summary>The percentile-bootstrap interval of the mean of <paramref name="values"/>.</summary>
    /// <param name="values">One value per image (n ≥ 1, none NaN; +∞ is allowed and makes every resample containing it +∞).</param>
    /// <param name="resamples">B ≥ 1 (10,000 by default).</param>
    /// <param name="level">The confidence level, in (0, 1).</param>
    /// <param name="seed">Seeds the resampling.</param>
    public static BootstrapInterval Mean(IReadOnlyList<double> values, int resamples = DefaultResamples, double level = DefaultLevel, ulong seed = 0)
    {
        var v = Check(values, nameof(values));
        CheckSettings(resamples, level);
        var means = ResampledMeans(v, resamples, seed);
        return Interval(v.Average(), means, level, v.Length);
    }

    /// <summary>
    /// The percentile q(p) of <paramref name="sorted"/> (ascending, non-empty) with linear interpolation between order statistics:
    /// h = (n − 1) p, q = s[⌊h⌋] + (h − ⌊h⌋)(s[⌊h⌋ + 1] − s[⌊h⌋]).
    /// </summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("the percentile of an empty list is undefined", nameof(sorted));
        }
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "the percentile's fraction must lie in [0, 1]");
        }
        double h = (sorted.Count - 1) * p;
        int low = (int)Math.Floor(h);
        if (low >= sorted.Count - 1)
        {
            return sorted[^1];
        }
        double frac = h - low;
        return frac == 0 ? sorted[low] : sorted[low] + frac * (sorted[low + 1] - sorted[low]);
    }

    /// <summary>The interval around <paramref name="estimate"/> from the resampled statistics (sorted here).</summary>
    internal static BootstrapInterval Interval(double estimate, double[] statistics, double level, int count)
    {
        if (statistics.Any(double.IsNaN))
        {
            throw new ArgumentException("a resampled statistic is NaN (+∞ and −∞ in one resample: a PSNR of identical images minus another?); clamp the values first");
        }
        Array.Sort(statistics);
        double alpha = 1 - level;
        return new BootstrapInterval(estimate, Percentile(statistics, alpha / 2), Percentile(statistics, 1 - alpha / 2), level, statistics.Length, count);
    }

    /// <summary>B means of n values drawn with replacement from <paramref name="values"/>, indices from a generator seeded <paramref name="seed"/>.</summary>
    internal static double[] ResampledMeans(double[] values, int resamples, ulong seed) => ResampledMeans(values, resamples, new Generator(seed), dispose: true);

    /// <summary>B means of n values drawn with replacement from <paramref name="values"/>, indices from <paramref name="generator"/>.</summary>
    internal static double[] ResampledMeans(double[] values, int resamples, Generator generator, bool dispose = false)
    {
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            int n = values.Length;
            var source = tensor(values, ScalarType.Float64);
            var means = new double[resamples];
            // At most ~4 M indices at a time (32 MB of int64), whatever n and B.
            int chunk = Math.Max(1, Math.Min(resamples, (1 << 22) / n));
            for (int from = 0; from < resamples; from += chunk)
            {
                using var inner = NewDisposeScope();
                int count = Math.Min(chunk, resamples - from);
                var indices = randint(0, n, [count, n], ScalarType.Int64, generator: generator);
                var drawn = source.index_select(0, indices.reshape(-1)).reshape(count, n);
                Array.Copy(drawn.mean([1]).data<double>().ToArray(), 0, means, from, count);
            }
            return means;
        }
        finally
        {
            if (dispose)
            {
                generator.Dispose();
            }
        }
    }

    /// <summary>Throws unless <paramref name="values"/> is a non-empty list without NaN; returns a copy.</summary>
    internal static double[] Check(IReadOnlyList<double> values, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Count == 0)
        {
            throw new ArgumentException("no values to bootstrap: give one value per image (at least one image)", name);
        }
        var copy = values.ToArray();
        int nan = Array.FindIndex(copy, double.IsNaN);
        if (nan >= 0)
        {
            throw new ArgumentException($"value {nan} of {copy.Length} is NaN; a per-image metric must be a number for every image", name);
        }
        return copy;
    }

    /// <summary>Throws unless B ≥ 1 and the level lies in (0, 1).</summary>
    internal static void CheckSettings(int resamples, double level)
    {
        if (resamples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "the number of bootstrap resamples must be at least 1 (10,000 is usual)");
        }
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "the confidence level must lie strictly between 0 and 1 (0.95 for a 95 % interval)");
        }
    }

    /// <summary>The values of a one-dimensional tensor [n] (e.g. <see cref="Psnr.PerImage"/>) as float64, to bootstrap.</summary>
    public static double[] Values(Tensor values) => ToArray(values, nameof(values));

    /// <summary>The values of a one-dimensional tensor as float64 (the error names <paramref name="name"/>).</summary>
    internal static double[] ToArray(Tensor values, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.dim() != 1)
        {
            throw new ArgumentException($"expected one value per image [n], got a tensor of shape [{string.Join(", ", values.shape)}]", name);
        }
        using var scope = NewDisposeScope();
        return values.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
    }
}
