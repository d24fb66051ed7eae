using Diffusion.Metrics;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Metrics;

/// <summary>The feature distance ‖φ(x) − φ(x̂)‖₂ in the shipped MNIST classifier's feature space (not LPIPS).</summary>
public class FeatureDistanceTests
{
    [Fact]
    public void FeatureDistance_IsZeroForIdenticalImages_SymmetricAndPositiveOtherwise()
    {
        using var network = FeatureNetwork.Load(Repository.FidNetwork);
        using var scope = NewDisposeScope();
        using var generator = new Generator(41);
        var x = rand([3, 1, 28, 28], generator: generator) * 2 - 1;
        var y = x.clone();
        y[0] = y[0].flip(2);            // a different image
        y[1] = y[1] + 0.2f;              // a brightness change
        var self = FeatureDistance.PerImage(network, x, x.clone());
        Assert.Equal(ScalarType.Float64, self.dtype);
        Assert.Equal(0, self.abs().max().item<double>());
        var forward = FeatureDistance.PerImage(network, x, y);
        var backward = FeatureDistance.PerImage(network, y, x);
        Assert.True((forward - backward).abs().max().item<double>() < 1e-12);
        Assert.True(forward[0].item<double>() > 0 && forward[1].item<double>() > 0);
        Assert.Equal(0, forward[2].item<double>());
        Assert.Equal(forward.mean().item<double>(), FeatureDistance.Mean(network, x, y), 12);
        // The range is converted: the same images given on [0, 1] have the same distances.
        var x01 = (x + 1) / 2;
        var y01 = (y + 1) / 2;
        var in01 = FeatureDistance.PerImage(network, x01, y01, ImageRange.ZeroToOne);
        Assert.True((in01 - forward).abs().max().item<double>() < 1e-4 * Math.Max(1, forward.max().item<double>()));
    }

    [Fact]
    public void FeatureDistance_ThrowsForMismatchedShapes()
    {
        using var network = FeatureNetwork.Load(Repository.FidNetwork);
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => FeatureDistance.PerImage(network, zeros(2, 1, 28, 28), zeros(3, 1, 28, 28)));
        Assert.Contains("[2, 1, 28, 28]", e.Message);
        Assert.Contains("[3, 1, 28, 28]", e.Message);
    }
}
