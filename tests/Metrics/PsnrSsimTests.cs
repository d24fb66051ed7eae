using Diffusion.Metrics;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Metrics;

/// <summary>PSNR and SSIM against tests/fixtures/ssim.json (numpy, skimage's gaussian_weights=True convention; make_ssim.py).</summary>
public class PsnrSsimTests
{
    [Theory]
    [InlineData("grey")]
    [InlineData("colour")]
    public void Psnr_MatchesNumpyReference(string name)
    {
        var fixture = Fixture.Load("ssim.json");
        using var scope = NewDisposeScope();
        var psnr = Psnr.PerImage(fixture.Tensor($"{name}_x"), fixture.Tensor($"{name}_ref"));
        Assert.Equal(ScalarType.Float64, psnr.dtype);
        TensorAssert.Close(fixture, $"{name}_psnr", psnr, 1e-10, 1e-12);
        double mean = fixture.Values($"{name}_psnr").Average();
        Assert.Equal(mean, Psnr.Mean(fixture.Tensor($"{name}_x"), fixture.Tensor($"{name}_ref")), 10);
    }

    [Theory]
    [InlineData("grey")]
    [InlineData("colour")]
    public void Ssim_MatchesNumpyReference(string name)
    {
        var fixture = Fixture.Load("ssim.json");
        using var scope = NewDisposeScope();
        var ssim = Ssim.PerImage(fixture.Tensor($"{name}_x"), fixture.Tensor($"{name}_ref"));
        Assert.Equal(ScalarType.Float64, ssim.dtype);
        TensorAssert.Close(fixture, $"{name}_ssim", ssim, 1e-12, 1e-10);
        double mean = fixture.Values($"{name}_ssim").Average();
        Assert.Equal(mean, Ssim.Mean(fixture.Tensor($"{name}_x"), fixture.Tensor($"{name}_ref")), 10);
    }

    [Fact]
    public void Ssim_Float32InputsAgreeWithFloat64()
    {
        var fixture = Fixture.Load("ssim.json");
        using var scope = NewDisposeScope();
        var ssim = Ssim.PerImage(fixture.Tensor("grey_x").to(ScalarType.Float32), fixture.Tensor("grey_ref").to(ScalarType.Float32));
        TensorAssert.Close(fixture, "grey_ssim", ssim, 1e-6, 1e-6);
    }

    [Fact]
    public void IdenticalImages_GiveSsimOneAndInfinitePsnr()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        var x = rand([3, 1, 28, 28], ScalarType.Float64, generator: generator);
        Assert.Equal(1.0, Ssim.Mean(x, x), 12);
        Assert.True(double.IsPositiveInfinity(Psnr.Mean(x, x)));
        Assert.Equal([3L, 1, 18, 18], Ssim.Map(x, x).shape);
    }

    [Fact]
    public void Metrics_AreSymmetricAndFallWithNoise()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(8);
        var x = rand([2, 1, 20, 20], ScalarType.Float64, generator: generator);
        var slightly = (x + 0.02 * randn(x.shape, ScalarType.Float64, generator: generator)).clamp(0, 1);
        var very = (x + 0.3 * randn(x.shape, ScalarType.Float64, generator: generator)).clamp(0, 1);
        Assert.Equal(Ssim.Mean(slightly, x), Ssim.Mean(x, slightly), 12);
        Assert.True(Ssim.Mean(slightly, x) > Ssim.Mean(very, x));
        Assert.True(Psnr.Mean(slightly, x) > Psnr.Mean(very, x) + 10);
        // PSNR of a constant offset d is exactly -20 log10 d.
        Assert.Equal(-20 * Math.Log10(0.1), Psnr.Mean(x + 0.1, x), 9);
    }

    [Fact]
    public void BadInput_ThrowsWithShapes()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => Ssim.Mean(zeros(2, 1, 28, 28), zeros(2, 1, 28, 27)));
        Assert.Contains("[2, 1, 28, 27]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Ssim.Mean(zeros(2, 1, 10, 28), zeros(2, 1, 10, 28)));
        Assert.Contains("11", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Psnr.Mean(zeros(28, 28), zeros(28, 28)));
        Assert.Contains("[28, 28]", ex.Message);
    }
}
