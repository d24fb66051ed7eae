using Diffusion.Engine;
using static TorchSharp.torch;

namespace Diffusion.Tests.Engine;

public class LayersTests
{
    [Fact]
    public void GroupNorm_StartsAsPyTorchDoes()
    {
        using var norm = Layers.GroupNorm(4, 16);
        Assert.All(norm.weight!.data<float>().ToArray(), w => Assert.Equal(1f, w));
        Assert.All(norm.bias!.data<float>().ToArray(), b => Assert.Equal(0f, b));
        using var scope = NewDisposeScope();
        var x = randn(2, 16, 3, 3);
        var y = norm.forward(x);
        var g = y.reshape(2, 4, -1);
        Assert.True(g.mean([-1]).abs().max().item<float>() < 1e-5);
        Assert.True((g.var([-1], unbiased: false) - 1).abs().max().item<float>() < 1e-3);
    }

    [Fact]
    public void GroupNorm_NamesTheBadChannelCount()
    {
        var e = Assert.Throws<ArgumentException>(() => Layers.GroupNorm(3, 16));
        Assert.Contains("3 groups for 16 channels", e.Message);
    }
}
