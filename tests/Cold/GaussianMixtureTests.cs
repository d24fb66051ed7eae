using Diffusion.Cold;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Cold;

public class GaussianMixtureTests
{
    [Fact]
    public void Em_RecoversAKnownTwoDimensionalMixture_AndNeverLowersTheLikelihood()
    {
        using var scope = NewDisposeScope();
        var weights = tensor(new[] { 0.5, 0.3, 0.2 });
        var means = tensor(new double[,] { { -4, 0 }, { 3, 3 }, { 3, -3 } });
        var covariances = stack([
            tensor(new double[,] { { 1.0, 0.5 }, { 0.5, 1.0 } }),
            tensor(new double[,] { { 0.5, 0.0 }, { 0.0, 0.2 } }),
            tensor(new double[,] { { 0.3, -0.1 }, { -0.1, 0.4 } }),
        ]);
        using var truth = GaussianMixture.FromParameters(weights, means, covariances);
        using var g = new Generator(7);
        var x = truth.Sample(6000, g);
        using var fitted = GaussianMixture.Fit(x, 3, g);

        // Match components by their means (EM's labels are arbitrary).
        var order = cdist(truth.Means, fitted.Means).argmin(1);
        Assert.Equal(3, order.unique().Item1.shape[0]);
        var fw = fitted.Weights.index_select(0, order);
        var fm = fitted.Means.index_select(0, order);
        var fc = fitted.Covariances.index_select(0, order);
        Assert.True((fw - weights).abs().max().ToDouble() < 0.03, $"weights {fw.str()} vs {weights.str()}");
        Assert.True((fm - means).abs().max().ToDouble() < 0.1, $"means {fm.str()} vs {means.str()}");
        Assert.True((fc - covariances).abs().max().ToDouble() < 0.1, $"covariances {fc.str()} vs {covariances.str()}");

        var history = fitted.LogLikelihoodHistory;
        for (int i = 1; i < history.Count; i++)
        {
            Assert.True(history[i] >= history[i - 1] - 1e-9, $"EM lowered the log-likelihood at iteration {i}: {history[i - 1]} -> {history[i]}");
        }
        // The fitted mixture is as good as the truth on its own data (within the sampling noise of 6,000 rows).
        double fittedLl = fitted.LogDensity(x).mean().ToDouble(), trueLl = truth.LogDensity(x).mean().ToDouble();
        Assert.True(fittedLl >= trueLl - 1e-3, $"fitted {fittedLl} vs true {trueLl}");
    }

    [Fact]
    public void LogDensity_OfOneComponent_IsTheGaussianLogDensity()
    {
        using var scope = NewDisposeScope();
        using var single = GaussianMixture.FromParameters(tensor(new[] { 1.0 }), tensor(new double[,] { { 0.5 } }), tensor(new double[,,] { { { 4.0 } } }));
        var x = tensor(new double[,] { { 0.5 }, { 2.5 } });
        var expected = new[] { -0.5 * Math.Log(2 * Math.PI * 4), -0.5 * Math.Log(2 * Math.PI * 4) - 0.5 * 4 / 4 };
        var got = single.LogDensity(x).data<double>().ToArray();
        Assert.Equal(expected[0], got[0], 12);
        Assert.Equal(expected[1], got[1], 12);
    }

    [Fact]
    public void Fit_RejectsBadInput_WithClearErrors()
    {
        using var scope = NewDisposeScope();
        var images = zeros(4, 1, 28, 28, dtype: float64);
        var error = Assert.Throws<ArgumentException>(() => GaussianMixture.Fit(images, 2));
        Assert.Contains("[4, 1, 28, 28]", error.Message);
        Assert.Throws<ArgumentException>(() => GaussianMixture.Fit(zeros(2, 1, dtype: float64), 3));
        Assert.Throws<ArgumentException>(() => GaussianMixture.FromParameters(tensor(new[] { 0.5, 0.4 }), zeros(2, 1), ones(2, 1, 1)));
    }

    [Fact]
    public void BlurGeneration_StartsFromTheMixturesChannelMeans_PlusTheSmallNoise()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        // Training "images" whose channel means come from two clusters, -0.7 and -0.3.
        var means = cat([full([300], -0.7, dtype: float64), full([300], -0.3, dtype: float64)]) + 0.01 * randn([600], dtype: float64, generator: g);
        var images = means.reshape(-1, 1, 1, 1) + 0.5 * randn([600, 1, 8, 8], dtype: float64, generator: g);
        images -= images.mean([2, 3], keepdim: true) - means.reshape(-1, 1, 1, 1);
        using var generation = BlurGeneration.Fit(images, components: 2, seed: 1);
        var sorted = generation.Mixture.Means.flatten().sort().Values;
        Assert.True((sorted - tensor(new[] { -0.7, -0.3 })).abs().max().ToDouble() < 0.01, $"means {sorted.str()}");
        var xT = generation.InitialImages(500, g);
        Assert.Equal(new long[] { 500, 1, 8, 8 }, xT.shape);
        var withinImage = (xT - xT.mean([2, 3], keepdim: true)).std().ToDouble();
        Assert.InRange(withinImage, 0.0018, 0.0022);                            // δ = 0.002 around a constant image
        var m = xT.mean([2, 3]).flatten();
        double nearCluster = ((m + 0.7).abs() < 0.05).logical_or((m + 0.3).abs() < 0.05).to(float32).mean().ToDouble();
        Assert.True(nearCluster > 0.95, $"only {nearCluster:P0} of the starting means lie near the training clusters");
    }
}
