using Diffusion.Ddpm;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Ddpm;

public class InterpolationTests
{
    [Fact]
    public void Slerp_HitsTheEndpoints()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(1);
        var a = torch.randn([3, 1, 8, 8], dtype: float64, generator: g);
        var b = torch.randn([3, 1, 8, 8], dtype: float64, generator: g);
        Assert.True(Interpolation.Slerp(a, b, 0).allclose(a, 1e-12, 1e-12));
        Assert.True(Interpolation.Slerp(a, b, 1).allclose(b, 1e-12, 1e-12));
        Assert.True(Interpolation.Lerp(a, b, 0.25).allclose(a * 0.75 + b * 0.25, 1e-12, 1e-12));
    }

    [Fact]
    public void Slerp_KeepsTheNormOfEqualNormNoise_WhereLerpShrinksIt()
    {
        // Two independent N(0, I) vectors in d = 784 dimensions are nearly orthogonal with norms near √d:
        // the linear midpoint has norm ≈ √(d/2), the spherical one keeps √d (exactly, after equalising the norms).
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(2);
        const int d = 784;
        var a = torch.randn([1, d], dtype: float64, generator: g);
        var b = torch.randn([1, d], dtype: float64, generator: g);
        a = a / a.norm() * Math.Sqrt(d);
        b = b / b.norm() * Math.Sqrt(d);
        foreach (double lambda in new[] { 0.1, 0.5, 0.8 })
        {
            Assert.Equal(Math.Sqrt(d), Interpolation.Slerp(a, b, lambda).norm().item<double>(), 9);
        }
        double lerpMid = Interpolation.Lerp(a, b, 0.5).norm().item<double>();
        Assert.InRange(lerpMid / Math.Sqrt(d / 2.0), 0.9, 1.1);
    }

    [Fact]
    public void Slerp_OfParallelVectors_FallsBackToLerp()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new[] { 1.0, 2.0, 3.0 });
        var b = a * 2.0;
        Assert.True(Interpolation.Slerp(a, b, 0.5).allclose(a * 1.5, 1e-12, 1e-12));
    }

    [Fact]
    public void Path_StacksCountPointsFromAToB()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(3);
        var a = torch.randn([1, 4, 4], generator: g);
        var b = torch.randn([1, 4, 4], generator: g);
        var path = Interpolation.Path(a, b, 5);
        Assert.Equal(new long[] { 5, 1, 4, 4 }, path.shape);
        Assert.True(path.select(0, 0).allclose(a, 1e-5, 1e-6));
        Assert.True(path.select(0, 4).allclose(b, 1e-5, 1e-6));
        var e = Assert.Throws<ArgumentException>(() => Interpolation.Slerp(a, torch.zeros([2, 4, 4]), 0.5));
        Assert.Contains("[1, 4, 4]", e.Message);
        Assert.Contains("[2, 4, 4]", e.Message);
    }
}
