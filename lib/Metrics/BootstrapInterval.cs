using System.Globalization;

namespace Diffusion.Metrics;

/// <summary>
/// A percentile-bootstrap confidence interval for the mean of a per-image statistic (or of a per-image difference): the
/// estimate on the sample itself and the interval [Lower, Upper] at <paramref name="Level"/> from <paramref name="Resamples"/>
/// resamples of <paramref name="Count"/> values (see <see cref="Bootstrap"/>).
/// </summary>
/// <param name="Estimate">The mean of the sample itself, (1/n) Σ_i v_i.</param>
/// <param name="Lower">The (1 − level)/2 percentile of the resampled means.</param>
/// <param name="Upper">The (1 + level)/2 percentile of the resampled means.</param>
/// <param name="Level">The confidence level (0.95 for a 95 % interval).</param>
/// <param name="Resamples">B, the number of bootstrap resamples.</param>
/// <param name="Count">n, the number of values (digits) resampled (the smaller n for an unpaired difference).</param>
public sealed record BootstrapInterval(double Estimate, double Lower, double Upper, double Level, int Resamples, int Count)
{
    /// <summary>Upper − Lower.</summary>
    public double Width => Upper - Lower;

    /// <summary>True when <paramref name="value"/> lies in [Lower, Upper].</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;

    /// <summary>True when the interval lies entirely above or entirely below 0 (a difference the resampling does not explain).</summary>
    public bool ExcludesZero => Lower > 0 || Upper < 0;

    /// <summary>"12.34 [11.90, 12.80]" with <paramref name="format"/> for the three numbers (invariant culture).</summary>
    public string Format(string format = "F2") => string.Create(CultureInfo.InvariantCulture,
        $"{Estimate.ToString(format, CultureInfo.InvariantCulture)} [{Lower.ToString(format, CultureInfo.InvariantCulture)}, {Upper.ToString(format, CultureInfo.InvariantCulture)}]");
}
