using Diffusion.Sde;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Sde;

public class GaussianMixtureDataTests
{
    public static TheoryData<string> Sdes => new() { "vp", "subvp", "ve" };

    private static Diffusion.Sde.Sde Make(string name) => name switch
    {
        "vp" => new VpSde(),
        "subvp" => new SubVpSde(),
        _ => new VeSde(0.01, 5),
    };

    /// <summary>The closed-form score is the gradient of the closed-form log-density (autograd), at several t.</summary>
    [Theory]
    [MemberData(nameof(Sdes))]
    public void Score_IsTheGradientOfTheLogDensity(string name)
    {
        using var scope = NewDisposeScope();
        var sde = Make(name);
        var data = new GaussianMixtureData(new double[,] { { 0.5, -0.2 }, { -0.4, 0.3 }, { 0.1, 0.6 } }, [0.2, 0.5, 0.3], 0.1);
        using var g = new Generator(3);
        var x = (randn([12, 2], dtype: ScalarType.Float64, generator: g) * 0.6).requires_grad_(true);
        var t = tensor(new[] { 1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.9, 1.0 }, dtype: ScalarType.Float64);
        var logp = data.LogDensity(sde, x, t);
        var grad = autograd.grad([logp.sum()], [x])[0];
        var score = data.Score(sde)(x.detach(), t);
        double error = (score - grad).abs().max().item<double>();
        double size = grad.abs().max().item<double>();
        Assert.True(error < 1e-9 * Math.Max(1, size), $"{name}: max |score − ∇ log p| = {error:E2} (largest gradient {size:E2})");
    }

    /// <summary>Draws follow the mixture: component frequencies and the mean within Monte Carlo error.</summary>
    [Fact]
    public void Sample_MatchesWeightsAndMeans()
    {
        using var scope = NewDisposeScope();
        var data = new GaussianMixtureData(new double[,] { { 1, 0 }, { -1, 0 } }, [0.25, 0.75], 0.05);
        using var g = new Generator(5);
        var x = data.Sample(40_000, g);
        double right = (x.select(1, 0) > 0).to(ScalarType.Float64).mean().item<double>();
        Assert.InRange(right, 0.25 - 0.01, 0.25 + 0.01);   // binomial std 0.0022
        double spreadY = x.select(1, 1).std().item<double>();
        Assert.InRange(spreadY, 0.05 * 0.98, 0.05 * 1.02);
    }

    [Fact]
    public void Ring_PlacesEqualComponentsOnTheCircle()
    {
        var ring = GaussianMixtureData.Ring(8, 0.7, 0.05);
        Assert.Equal(8, ring.Components);
        Assert.Equal(2, ring.Dimension);
        Assert.All(ring.Weights, w => Assert.Equal(0.125, w, 12));
        using var x = ring.Sample(1000, new Generator(1));
        using var r = x.square().sum(1).sqrt();
        Assert.InRange(r.mean().item<double>(), 0.69, 0.71);
    }

    /// <summary>Exact draws fit with width ≈ 1 and small weight errors; blurred or collapsed points do not.</summary>
    [Fact]
    public void Fit_SeesBlurAndMissingModes()
    {
        var ring = GaussianMixtureData.Ring(8, 0.7, 0.05);
        using var g = new Generator(9);
        using var exact = ring.Sample(8000, g);
        var (width, weightError) = ring.Fit(exact);
        Assert.InRange(width, 0.97, 1.03);
        Assert.True(weightError < 0.015, $"weight error {weightError}");
        using var blurred = exact + randn(exact.shape, dtype: ScalarType.Float64, generator: g) * 0.05;   // std √2 s
        Assert.InRange(ring.Fit(blurred).Width, 1.37, 1.46);
        using var oneMode = ring.Sample(1000, g).narrow(1, 0, 2) * 0 + ring.Means().narrow(0, 0, 1);
        Assert.Equal(0.875, ring.Fit(oneMode).WeightError, 9);
    }

    [Fact]
    public void BadInput_SaysWhatWasWrong()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GaussianMixtureData(new double[,] { { 0, 0 } }, [1, 2], 0.1));
        Assert.Contains("1 positive weights", ex.Message);
        var ring = GaussianMixtureData.Ring();
        using var x = zeros(4, 3, dtype: ScalarType.Float64);
        using var t = ones(4, dtype: ScalarType.Float64);
        var shape = Assert.Throws<ArgumentException>(() => ring.Score(new VpSde())(x, t));
        Assert.Contains("[B, 2]", shape.Message);
        Assert.Contains("[4, 3]", shape.Message);
    }
}
