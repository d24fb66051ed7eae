using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>Which of two methods a paired bootstrap puts higher, if either (written by name in JSON).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PairedVerdict>))]
public enum PairedVerdict
{
    /// <summary>The interval of the mean difference contains 0: the digits do not order the two methods.</summary>
    Undecided,

    /// <summary>The whole interval of mean(first − second) lies above 0.</summary>
    FirstHigher,

    /// <summary>The whole interval of mean(first − second) lies below 0.</summary>
    SecondHigher,
}

/// <summary>A paired comparison of two methods on the same images: the interval of the mean difference and the verdict it allows.</summary>
/// <param name="First">The first method's name.</param>
/// <param name="Second">The second method's name.</param>
/// <param name="Difference">The bootstrap interval of mean_i(first_i − second_i).</param>
/// <param name="Verdict">A side only when <see cref="BootstrapInterval.ExcludesZero"/>; which side is "better" depends on the metric (higher PSNR, lower feature distance).</param>
public sealed record PairedComparison(string First, string Second, BootstrapInterval Difference, PairedVerdict Verdict);

/// <summary>
/// Bootstrap intervals of the difference between two methods' mean per-image metric. <see cref="Paired"/> resamples the images
/// (the same index for both methods, as the methods ran on the same digits); <see cref="Unpaired"/> resamples each method on its
/// own, as if they had run on different digits, and is given only for contrast: it ignores that a hard digit is hard for both.
/// </summary>
/// <remarks>
/// Paired: d_i = a_i − b_i, and the interval is <see cref="Bootstrap.Mean(IReadOnlyList{double}, int, double, ulong)"/> of d,
/// m*_b = (1/n) Σ_k d_{i_k}. Unpaired: m*_b = (1/n_a) Σ_k a_{i_k} − (1/n_b) Σ_k b_{j_k}, the i and j drawn independently (so
/// n_a ≠ n_b is allowed). When the methods' errors are positively correlated across images (the usual case: the same digits are
/// hard for every method), the paired interval is narrower, by a factor √(Var(a − b)/(Var a + Var b)).
/// </remarks>
public static class BootstrapDifference
{
    /// <summary>The paired bootstrap of mean(first − second) over the same images, with a verdict only when its interval excludes 0.</summary>
    /// <param name="first">The first method's per-image values.</param>
    /// <param name="second">The second method's values on the same images, in the same order (same length).</param>
    /// <param name="resamples">B ≥ 1.</param>
    /// <param name="level">The confidence level, in (0, 1).</param>
    /// <param name="seed">Seeds the resampling.</param>
    /// <param name="firstName">The first method's name for the result.</param>
    /// <param name="secondName">The second method's name for the result.</param>
    public static PairedComparison Paired(IReadOnlyList<double> first, IReadOnlyList<double> second, int resamples = Bootstrap.DefaultResamples,
        double level = Bootstrap.DefaultLevel, ulong seed = 0, string firstName = "first", string secondName = "second")
    {
        var a = Bootstrap.Check(first, nameof(first));
        var b = Bootstrap.Check(second, nameof(second));
        if (a.Length != b.Length)
        {
            throw new ArgumentException(
                $"a paired comparison needs one value per image for both methods on the same images: {firstName} has {a.Length}, {secondName} has {b.Length} (use Unpaired for different images)",
                nameof(second));
        }
        var d = new double[a.Length];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = a[i] - b[i];
            if (double.IsNaN(d[i]))
            {
                throw new ArgumentException($"image {i}: {firstName} − {secondName} is NaN (both infinite?); clamp the values first", nameof(second));
            }
        }
        var interval = Bootstrap.Mean(d, resamples, level, seed);
        var verdict = interval.Lower > 0 ? PairedVerdict.FirstHigher : interval.Upper < 0 ? PairedVerdict.SecondHigher : PairedVerdict.Undecided;
        return new PairedComparison(firstName, secondName, interval, verdict);
    }

    /// <summary>
    /// The unpaired bootstrap of mean(first) − mean(second): each sample resampled on its own (one generator seeded
    /// <paramref name="seed"/>: all of first's resamples, then all of second's); its Count is the smaller n. For contrast with <see cref="Paired"/>.
    /// </summary>
    public static BootstrapInterval Unpaired(IReadOnlyList<double> first, IReadOnlyList<double> second, int resamples = Bootstrap.DefaultResamples,
        double level = Bootstrap.DefaultLevel, ulong seed = 0)
    {
        var a = Bootstrap.Check(first, nameof(first));
        var b = Bootstrap.Check(second, nameof(second));
        Bootstrap.CheckSettings(resamples, level);
        using var generator = new Generator(seed);
        var ma = Bootstrap.ResampledMeans(a, resamples, generator);
        var mb = Bootstrap.ResampledMeans(b, resamples, generator);
        var differences = new double[resamples];
        for (int k = 0; k < resamples; k++)
        {
            differences[k] = ma[k] - mb[k];
        }
        return Bootstrap.Interval(a.Average() - b.Average(), differences, level, Math.Min(a.Length, b.Length));
    }
}
