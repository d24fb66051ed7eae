using Diffusion.Ddpm;
using Diffusion.Tensors;

namespace Diffusion.Tests.Ddpm;

public class InterpolationTests
{
    [Fact]
    public void Slerp_HitsTheEndpoints()
    {
        using var scope = new TensorScope();
        using var g = new Generator(1);
        var a = Torch.Randn([3, 1, 8, 8], DType.Float64, generator: g);
        var b = Torch.Randn([3, 1, 8, 8], DType.Float64, generator: g);
        Assert.True(Interpolation.Slerp(a, b, 0).AllClose(a, 1e-12, 1e-12));
        Assert.True(Interpolation.Slerp(a, b, 1).AllClose(b, 1e-12, 1e-12));
        Assert.True(Interpolation.Lerp(a, b, 0.25).AllClose(a * 0.75 + b * 0.25, 1e-12, 1e-12));
    }

    [Fact]
    public void Slerp_KeepsTheNormOfEqualNormNoise_WhereLerpShrinksIt()
    {
        // Two independent N(0, I) vectors in d = 784 dimensions are nearly orthogonal with norms near √d:
        // the linear midpoint has norm ≈ √(d/2), the spherical one keeps √d (exactly, after equalising the norms).
        using var scope = new TensorScope();
        using var g = new Generator(2);
        const int d = 784;
        var a = Torch.Randn([1, d], DType.Float64, generator: g);
        var b = Torch.Randn([1, d], DType.Float64, generator: g);
        a = a / a.Norm() * Math.Sqrt(d);
        b = b / b.Norm() * Math.Sqrt(d);
        foreach (double lambda in new[] { 0.1, 0.5, 0.8 })
        {
            Assert.Equal(Math.Sqrt(d), Interpolation.Slerp(a, b, lambda).Norm().ToDouble(), 9);
        }
        double lerpMid = Interpolation.Lerp(a, b, 0.5).Norm().ToDouble();
        Assert.InRange(lerpMid / Math.Sqrt(d / 2.0), 0.9, 1.1);
    }

    [Fact]
    public void Slerp_OfParallelVectors_FallsBackToLerp()
    {
        using var scope = new TensorScope();
        var a = Torch.FromArray(new[] { 1.0, 2.0, 3.0 });
        var b = a * 2.0;
        Assert.True(Interpolation.Slerp(a, b, 0.5).AllClose(a * 1.5, 1e-12, 1e-12));
    }

    [Fact]
    public void Path_StacksCountPointsFromAToB()
    {
        using var scope = new TensorScope();
        using var g = new Generator(3);
        var a = Torch.Randn([1, 4, 4], generator: g);
        var b = Torch.Randn([1, 4, 4], generator: g);
        var path = Interpolation.Path(a, b, 5);
        Assert.Equal(new long[] { 5, 1, 4, 4 }, path.Shape);
        Assert.True(path.Select(0, 0).AllClose(a, 1e-5, 1e-6));
        Assert.True(path.Select(0, 4).AllClose(b, 1e-5, 1e-6));
        Assert.Throws<ArgumentException>(() => Interpolation.Slerp(a, Torch.Zeros([2, 4, 4]), 0.5));
    }
}
