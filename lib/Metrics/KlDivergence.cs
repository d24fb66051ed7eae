namespace Diffusion.Metrics;

/// <summary>Kullback–Leibler divergences to Gaussians: the closed form, and two estimators from samples.</summary>
public static class KlDivergence
{
    /// <summary>
    /// KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½, per dimension, in nats.
    /// </summary>
    public static double Gaussian(double mean1, double variance1, double mean2, double variance2)
    {
        if (!(variance1 > 0) || !(variance2 > 0))
        {
            throw new ArgumentOutOfRangeException(variance1 > 0 ? nameof(variance2) : nameof(variance1), "variances must be positive");
        }
        return 0.5 * Math.Log(variance2 / variance1) + (variance1 + (mean1 - mean2) * (mean1 - mean2)) / (2 * variance2) - 0.5;
    }

    /// <summary>KL(N(μ, σ²) ‖ N(0, 1)) = ½(σ² + μ² − 1 − log σ²).</summary>
    public static double ToStandardNormal(double mean, double variance) => Gaussian(mean, variance, 0, 1);

    /// <summary>
    /// The Gaussian-fit estimator: fits N(m, s²) to the samples (sample mean, unbiased variance) and returns
    /// KL(N(m, s²) ‖ N(0, 1)) in closed form. Exact when the samples are Gaussian; it sees only the first two moments.
    /// </summary>
    public static double GaussianFitToStandardNormal(ReadOnlySpan<double> samples)
    {
        if (samples.Length < 2)
        {
            throw new ArgumentException("the Gaussian fit needs at least two samples", nameof(samples));
        }
        double mean = 0;
        foreach (double v in samples)
        {
            mean += v;
        }
        mean /= samples.Length;
        double ss = 0;
        foreach (double v in samples)
        {
            ss += (v - mean) * (v - mean);
        }
        double variance = ss / (samples.Length - 1);
        if (variance <= 0)
        {
            return double.PositiveInfinity;
        }
        return ToStandardNormal(mean, variance);
    }

    /// <summary>
    /// The histogram estimator: bins of width <paramref name="binWidth"/> on a grid that contains 0 as a bin edge and covers
    /// [−<paramref name="halfRange"/>, <paramref name="halfRange"/>] and every sample; with p_i the fraction of samples in bin i and
    /// q_i the exact N(0, 1) mass of the bin, returns Σ_{p_i &gt; 0} p_i log(p_i / q_i). It converges to KL(p ‖ N(0, 1)) for
    /// densities as the sample count grows and the bins shrink; for distributions with atoms (image pixels at exactly −1) it
    /// grows like log(1/binWidth), so always state the bin width with the number.
    /// </summary>
    public static double HistogramToStandardNormal(ReadOnlySpan<double> samples, double binWidth = 0.1, double halfRange = 6)
    {
        if (samples.Length == 0)
        {
            throw new ArgumentException("the histogram estimator needs samples", nameof(samples));
        }
        if (!(binWidth > 0) || !(halfRange > 0))
        {
            throw new ArgumentOutOfRangeException(binWidth > 0 ? nameof(halfRange) : nameof(binWidth), "bin width and range must be positive");
        }
        double lo = -halfRange, hi = halfRange;
        foreach (double v in samples)
        {
            if (double.IsNaN(v))
            {
                throw new ArgumentException("samples contain NaN", nameof(samples));
            }
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        long first = (long)Math.Floor(lo / binWidth);
        long last = (long)Math.Floor(hi / binWidth);
        var counts = new long[last - first + 1];
        foreach (double v in samples)
        {
            long b = Math.Clamp((long)Math.Floor(v / binWidth), first, last);
            counts[b - first]++;
        }
        double kl = 0;
        for (long i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0)
            {
                continue;
            }
            double p = (double)counts[i] / samples.Length;
            double a = (first + i) * binWidth;
            double q = StandardNormal.Mass(a, a + binWidth);
            kl += p * Math.Log(p / Math.Max(q, double.Epsilon));
        }
        return kl;
    }
}
