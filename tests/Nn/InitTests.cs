using Diffusion.Nn;
using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Nn;

/// <summary>Default initialisations: PyTorch's bounds, and PyTorch's very numbers after the same seed.</summary>
public class InitTests
{
    [Fact]
    public void CalculateFans_FollowPyTorch()
    {
        Assert.Equal((10L, 7L), Init.CalculateFans([7, 10]));
        Assert.Equal((3L * 9, 4L * 9), Init.CalculateFans([4, 3, 3, 3]));
        Assert.Throws<ArgumentException>(() => Init.CalculateFans([5]));
        Assert.Equal(Math.Sqrt(2), Init.CalculateGain("relu"), 12);
        Assert.Equal(Math.Sqrt(2.0 / 6), Init.CalculateGain("leaky_relu", Math.Sqrt(5)), 12);
    }

    [Fact]
    public void DefaultInit_MatchesPyTorchDrawsAfterSameSeed()
    {
        using var scope = new TensorScope();
        var f = LayerFixtures.Data;
        Torch.ManualSeed(42);
        using var lin = new Linear(10, 7);
        using var conv = new Conv2d(3, 4, 3);
        using var convt = new ConvTranspose2d(3, 4, 3);
        TensorAssert.Close(f, "init.linear.weight", lin.Weight, 1e-7, 0);
        TensorAssert.Close(f, "init.linear.bias", lin.Bias!, 1e-7, 0);
        TensorAssert.Close(f, "init.conv.weight", conv.Weight, 1e-7, 0);
        TensorAssert.Close(f, "init.conv.bias", conv.Bias!, 1e-7, 0);
        TensorAssert.Close(f, "init.convt.weight", convt.Weight, 1e-7, 0);
        TensorAssert.Close(f, "init.convt.bias", convt.Bias!, 1e-7, 0);
    }

    [Theory]
    [InlineData(64, 32)]
    [InlineData(300, 200)]
    public void LinearDefaultInit_IsUniformWithinOneOverSqrtFanIn(long fanIn, long fanOut)
    {
        Torch.ManualSeed(7);
        using var m = new Linear(fanIn, fanOut);
        double bound = 1 / Math.Sqrt(fanIn);
        float[] w = m.Weight.ToArray<float>();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        double mean = w.Average(v => (double)v);
        double var = w.Average(v => (v - mean) * (v - mean));
        // U(-b, b): mean 0, variance b^2 / 3; n >= 2048 draws.
        Assert.InRange(mean, -0.05 * bound, 0.05 * bound);
        Assert.InRange(var / (bound * bound / 3), 0.9, 1.1);
        Assert.True(w.Max() > 0.95 * bound && w.Min() < -0.95 * bound);
        Assert.All(m.Bias!.ToArray<float>(), v => Assert.InRange(v, -bound, bound));
    }

    [Fact]
    public void ConvTransposeInit_TakesFanInFromDimOne()
    {
        Torch.ManualSeed(8);
        using var m = new ConvTranspose2d(16, 2, 3);
        double bound = 1 / Math.Sqrt(2 * 9);
        float[] w = m.Weight.ToArray<float>();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.9 * bound);
    }

    [Fact]
    public void XavierAndKaiming_HaveTheirVariance()
    {
        using var scope = new TensorScope();
        Torch.ManualSeed(9);
        var t = Torch.Empty([200, 300]);
        double Var(Tensor x) => x.ToArray<float>().Average(v => (double)v * v);
        Init.XavierUniform(t);
        Assert.InRange(Var(t) / (2.0 / 500), 0.95, 1.05);
        Init.KaimingNormal(t, nonlinearity: "relu");
        Assert.InRange(Var(t) / (2.0 / 300), 0.95, 1.05);
        Init.KaimingUniform(t, mode: FanMode.FanOut, nonlinearity: "relu");
        Assert.InRange(Var(t) / (2.0 / 200), 0.95, 1.05);
        Init.Zeros(t);
        Assert.All(t.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void NormLayers_StartAtOnesAndZeros()
    {
        using var g = new GroupNorm(2, 4);
        using var l = new LayerNorm(3);
        Assert.All(g.Weight!.ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.All(g.Bias!.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.All(l.Weight!.ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.All(l.Bias!.ToArray<float>(), v => Assert.Equal(0f, v));
    }
}
