using Diffusion.Ddpm;
using Diffusion.Inverse;
using Diffusion.Metrics;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>The table's uncertainty: intervals on every cell of <see cref="InverseEvaluation.Run"/>, paired verdicts between its rows.</summary>
public sealed class InverseComparisonsTests
{
    private static InverseRow Row(string task, string method, double[] psnr, double[] distance) =>
        new(task, method, psnr.Length, psnr.Average(), 0.5, distance.Average(), 0, null, "")
        {
            PsnrPerImage = psnr,
            SsimPerImage = psnr.Select(p => p / 100).ToArray(),
            FeatureDistancePerImage = distance,
        };

    private static double[] Normal(int n, double mean, double sd, ulong seed)
    {
        using var g = new Generator(seed);
        using var x = randn([n], ScalarType.Float64, generator: g) * sd + mean;
        return x.data<double>().ToArray();
    }

    [Fact]
    public void Run_GivesEveryCellAnIntervalAroundItsMean_AndTheDigitsValues()
    {
        using var scope = NewDisposeScope();
        using var network = FeatureNetwork.Load(Repository.FidNetwork);
        using var g = new Generator(8);
        var x0 = rand([6, 1, 28, 28], generator: g) * 2 - 1;
        var settings = new InverseSettings { TvSolvers = [new AdmmTv(iterations: 5)], BootstrapResamples = 500 };
        EpsilonModel model = (x, t) => zeros_like(x);
        var rows = InverseEvaluation.Run(model, GaussianPrior.Schedule(), InverseTask.Deblurring(), x0, network, settings,
            new Dictionary<string, double> { ["admm-tv"] = 0.01 }, seed: 4, methods: ["measurement", "admm-tv"]);
        foreach (var row in rows)
        {
            foreach (var (mean, interval, values) in new[]
            {
                (row.Psnr, row.PsnrInterval!, row.PsnrPerImage!),
                (row.Ssim, row.SsimInterval!, row.SsimPerImage!),
                (row.FeatureDistance, row.FeatureDistanceInterval!, row.FeatureDistancePerImage!),
            })
            {
                Assert.Equal(6, values.Count);
                Assert.Equal(mean, values.Average(), 10);
                Assert.Equal(mean, interval.Estimate, 10);
                Assert.True(interval.Lower < mean && mean < interval.Upper, $"{row.Method}: {mean} outside {interval.Format("F4")}");
                Assert.Equal((500, 6, 0.95), (interval.Resamples, interval.Count, interval.Level));
            }
        }
        // The same digits' values give the same interval again (seeded), and the verdicts come from them.
        Assert.Equal(rows[0].PsnrInterval, Bootstrap.Mean(rows[0].PsnrPerImage!, 500, 0.95, InverseEvaluation.BootstrapSeed(4)));
        var comparisons = InverseComparisons.Pairwise(rows, resamples: 500, seed: InverseEvaluation.BootstrapSeed(4));
        Assert.Equal(3, comparisons.Count);
    }

    /// <summary>
    /// Three methods on 50 digits that spread by 2 dB: "good" is 0.5 dB above "base" on every digit (± 0.1), "same" is base plus
    /// noise 0.1 around 0; feature distances the other way round (good is closer). Verdicts: good beats base and same on both metrics,
    /// base and same are undecided.
    /// </summary>
    [Fact]
    public void Pairwise_NamesTheBetterMethodOnlyWhereTheDifferenceExcludesZero()
    {
        var digits = Normal(50, 14, 2, 1);
        var distance = Normal(50, 8, 1, 2);
        double[] Jitter(ulong seed) => Normal(50, 0, 0.1, seed);
        var (j1, j2, j3, j4) = (Jitter(3), Jitter(4), Jitter(5), Jitter(6));
        var rows = new[]
        {
            Row("inpainting", "base", digits, distance),
            Row("inpainting", "good", digits.Select((v, i) => v + 0.5 + j1[i]).ToArray(), distance.Select((v, i) => v - 0.5 + j2[i]).ToArray()),
            Row("inpainting", "same", digits.Select((v, i) => v + j3[i]).ToArray(), distance.Select((v, i) => v + j4[i]).ToArray()),
        };
        var all = InverseComparisons.Pairwise(rows, seed: 9);
        Assert.Equal(9, all.Count);
        InverseComparison Find(InverseMetric m, string a, string b) => all.Single(c => c.Metric == m && c.Comparison.First == a && c.Comparison.Second == b);

        var psnr = Find(InverseMetric.Psnr, "base", "good");
        Assert.Equal(PairedVerdict.SecondHigher, psnr.Comparison.Verdict);
        Assert.Equal("good", psnr.Better);
        Assert.InRange(psnr.Comparison.Difference.Estimate, -0.55, -0.45);
        Assert.Equal("good", Find(InverseMetric.Psnr, "good", "same").Better);
        Assert.Null(Find(InverseMetric.Psnr, "base", "same").Better);
        Assert.Equal(PairedVerdict.Undecided, Find(InverseMetric.Psnr, "base", "same").Comparison.Verdict);

        // Feature distance: lower is better, so the method with the lower values is named although its difference is negative.
        var fd = Find(InverseMetric.FeatureDistance, "base", "good");
        Assert.Equal(PairedVerdict.FirstHigher, fd.Comparison.Verdict);
        Assert.Equal("good", fd.Better);
        Assert.Null(Find(InverseMetric.FeatureDistance, "base", "same").Better);

        // Two tasks are compared separately; only the requested metric.
        var twoTasks = rows.Concat(rows.Select(r => r with { Task = "deblurring" })).ToList();
        Assert.Equal(6, InverseComparisons.Pairwise(twoTasks, [InverseMetric.Psnr], resamples: 200).Count);
    }

    [Fact]
    public void BadRows_GetClearErrors()
    {
        var a = Row("inpainting", "a", [1, 2, 3], [1, 1, 1]);
        var crossTask = Assert.Throws<ArgumentException>(() => InverseComparisons.Compare(a, a with { Task = "deblurring", Method = "b" }, InverseMetric.Psnr));
        Assert.Contains("different tasks", crossTask.Message);
        var bare = new InverseRow("inpainting", "tv", 3, 10, 0.5, 1, 0, null, "");
        var missing = Assert.Throws<ArgumentException>(() => InverseComparisons.Compare(a, bare, InverseMetric.Ssim));
        Assert.Contains("inpainting tv has no per-digit Ssim values", missing.Message);
        var duplicate = Assert.Throws<ArgumentException>(() => InverseComparisons.Pairwise([a, a]));
        Assert.Contains("2 rows for a", duplicate.Message);
        var shorter = Assert.Throws<ArgumentException>(() => InverseComparisons.Compare(a, Row("inpainting", "b", [1, 2], [1, 1]), InverseMetric.Psnr));
        Assert.Contains("a has 3, b has 2", shorter.Message);
    }
}
