using Diffusion.Metrics;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Metrics;

/// <summary>The percentile bootstrap: coverage by Monte Carlo, paired against unpaired, percentiles by hand, clear errors.</summary>
public sealed class BootstrapTests(ITestOutputHelper output)
{
    private static double[] Normal(int n, double mean, double sd, ulong seed)
    {
        using var g = new Generator(seed);
        using var x = randn([n], ScalarType.Float64, generator: g) * sd + mean;
        return x.data<double>().ToArray();
    }

    [Fact]
    public void Percentile_InterpolatesLinearlyBetweenOrderStatistics()
    {
        // NumPy: np.percentile([1, 2, 3, 4], [0, 25, 50, 97.5, 100]) = [1, 1.75, 2.5, 3.925, 4].
        double[] s = [1, 2, 3, 4];
        Assert.Equal(1.0, Bootstrap.Percentile(s, 0), 12);
        Assert.Equal(1.75, Bootstrap.Percentile(s, 0.25), 12);
        Assert.Equal(2.5, Bootstrap.Percentile(s, 0.5), 12);
        Assert.Equal(3.925, Bootstrap.Percentile(s, 0.975), 12);
        Assert.Equal(4.0, Bootstrap.Percentile(s, 1), 12);
    }

    /// <summary>
    /// 1,000 seeded normal samples of n = 50 (σ = 2): the 95 % interval of the mean covers the true mean in a fraction within
    /// 0.92 … 0.97 of the trials (the percentile interval's expected coverage here is ≈ 0.944, P(|t_49| &lt; 1.96 √(49/50)); the
    /// Monte Carlo standard error over 1,000 trials is 0.007). A 68 % interval must cover ≈ 0.68, so a too-wide interval fails too.
    /// </summary>
    [Theory]
    [InlineData(0.95, 0.92, 0.97)]
    [InlineData(0.68, 0.63, 0.73)]
    public void Mean_CoversTheTrueMeanAtAboutItsLevel(double level, double low, double high)
    {
        const int trials = 1000, n = 50;
        const double mu = 3.0, sd = 2.0;
        int covered = 0;
        double width = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            var sample = Normal(n, mu, sd, 1000 + (ulong)trial);
            var interval = Bootstrap.Mean(sample, resamples: 1000, level: level, seed: (ulong)trial);
            covered += interval.Contains(mu) ? 1 : 0;
            width += interval.Width / trials;
        }
        double coverage = (double)covered / trials;
        // The interval's width is about 2 z σ/√n (z = 1.96 at 95 %, 0.994 at 68 %).
        double z = level == 0.95 ? 1.959964 : 0.994458;
        double expectedWidth = 2 * z * sd / Math.Sqrt(n);
        output.WriteLine($"level {level}: coverage {coverage:F3} over {trials} trials, mean width {width:F4} (2 z σ/√n = {expectedWidth:F4})");
        Assert.InRange(coverage, low, high);
        Assert.InRange(width / expectedWidth, 0.93, 1.03);
    }

    [Fact]
    public void Mean_IsReproducibleBySeed_AndTheEstimateIsTheSampleMean()
    {
        var sample = Normal(40, 1, 1, 5);
        var a = Bootstrap.Mean(sample, 2000, seed: 7);
        var b = Bootstrap.Mean(sample, 2000, seed: 7);
        var c = Bootstrap.Mean(sample, 2000, seed: 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Lower, c.Lower);
        Assert.Equal(sample.Average(), a.Estimate, 14);
        Assert.True(a.Lower < a.Estimate && a.Estimate < a.Upper, a.Format());
        Assert.Equal((2000, 40, 0.95), (a.Resamples, a.Count, a.Level));

        // One value: every resample is that value.
        var single = Bootstrap.Mean([2.5], 10);
        Assert.Equal((2.5, 2.5, 2.5), (single.Estimate, single.Lower, single.Upper));

        // Values of a float32 tensor: the same interval up to float32 rounding.
        using var t = tensor(sample, ScalarType.Float32);
        var fromTensor = Bootstrap.Mean(Bootstrap.Values(t), 2000, seed: 7);
        Assert.Equal(a.Lower, fromTensor.Lower, 5);
    }

    /// <summary>
    /// Two methods on the same 100 digits, the second better by 0.1 on every digit (plus noise 0.05) while the digits themselves
    /// spread by 1: the paired interval of the difference is ≈ ±0.01 and excludes 0; the unpaired one is ≈ ±0.28 and does not.
    /// </summary>
    [Fact]
    public void Paired_SeesAConsistentSmallDifferenceThatUnpairedCannot()
    {
        var digits = Normal(100, 12, 1, 11);
        var jitter = Normal(100, 0, 0.05, 12);
        var worse = digits;
        var better = digits.Select((v, i) => v + 0.1 + jitter[i]).ToArray();

        var paired = BootstrapDifference.Paired(better, worse, seed: 3, firstName: "dps", secondName: "tv");
        var unpaired = BootstrapDifference.Unpaired(better, worse, seed: 3);
        output.WriteLine($"paired {paired.Difference.Format("F3")}, unpaired {unpaired.Format("F3")}");
        Assert.Equal(PairedVerdict.FirstHigher, paired.Verdict);
        Assert.Equal(("dps", "tv"), (paired.First, paired.Second));
        Assert.True(paired.Difference.ExcludesZero);
        Assert.False(unpaired.ExcludesZero);
        Assert.True(unpaired.Width > 10 * paired.Difference.Width, $"unpaired {unpaired.Width}, paired {paired.Difference.Width}");
        Assert.Equal(paired.Difference.Estimate, unpaired.Estimate, 12);

        // The other order gives the other verdict; identical methods give none.
        Assert.Equal(PairedVerdict.SecondHigher, BootstrapDifference.Paired(worse, better).Verdict);
        var same = BootstrapDifference.Paired(worse, worse);
        Assert.Equal(PairedVerdict.Undecided, same.Verdict);
        Assert.Equal((0.0, 0.0), (same.Difference.Lower, same.Difference.Upper));
    }

    /// <summary>A real difference hidden in noise: independent per-digit noise of 1 around a 0.05 difference, 100 digits: undecided.</summary>
    [Fact]
    public void Paired_GivesNoVerdictWhenTheIntervalContainsZero()
    {
        var a = Normal(100, 0.05, 1, 21);
        var b = Normal(100, 0.0, 1, 22);
        var result = BootstrapDifference.Paired(a, b, seed: 1);
        Assert.True(result.Difference.Contains(0), result.Difference.Format());
        Assert.Equal(PairedVerdict.Undecided, result.Verdict);
    }

    [Fact]
    public void BadInputs_GetClearErrors()
    {
        var empty = Assert.Throws<ArgumentException>(() => Bootstrap.Mean([]));
        Assert.Contains("no values", empty.Message);
        var nan = Assert.Throws<ArgumentException>(() => Bootstrap.Mean([1, double.NaN, 2]));
        Assert.Contains("value 1 of 3 is NaN", nan.Message);
        var mismatch = Assert.Throws<ArgumentException>(() => BootstrapDifference.Paired([1, 2, 3], [1, 2], firstName: "dps", secondName: "tv"));
        Assert.Contains("dps has 3, tv has 2", mismatch.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Bootstrap.Mean([1, 2], resamples: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bootstrap.Mean([1, 2], level: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BootstrapDifference.Unpaired([1, 2], [3], level: 0));
        using var matrix = zeros(2, 3);
        var shape = Assert.Throws<ArgumentException>(() => Bootstrap.Values(matrix));
        Assert.Contains("[2, 3]", shape.Message);
        var infinities = Assert.Throws<ArgumentException>(() => BootstrapDifference.Paired([double.PositiveInfinity], [double.PositiveInfinity]));
        Assert.Contains("NaN", infinities.Message);
    }
}
