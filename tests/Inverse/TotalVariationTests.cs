using Diffusion.Inverse;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>Total variation: hand-computed values, the adjoint of ∇, the smoothed gradient against finite differences, the shrinkage.</summary>
public class TotalVariationTests
{
    // x = [[0, 1, 3], [2, 2, 2]]: D_v (Neumann) row 0 = [2, 1, −1], row 1 = 0; D_h row 0 = [1, 2, 0], row 1 = [0, 0, 0].
    // Circular adds D_v row 1 = [−2, −1, 1] and D_h row 0, column 2 = 0 − 3 = −3.
    private static Tensor Example() => tensor(new double[] { 0, 1, 3, 2, 2, 2 }, [1, 1, 2, 3]);

    [Theory]
    [InlineData(TvNorm.Isotropic, DifferenceBoundary.Neumann)]
    [InlineData(TvNorm.Anisotropic, DifferenceBoundary.Neumann)]
    [InlineData(TvNorm.Isotropic, DifferenceBoundary.Circular)]
    [InlineData(TvNorm.Anisotropic, DifferenceBoundary.Circular)]
    public void Value_MatchesHandComputedExample(TvNorm norm, DifferenceBoundary boundary)
    {
        using var scope = NewDisposeScope();
        double expected = (norm, boundary) switch
        {
            (TvNorm.Isotropic, DifferenceBoundary.Neumann) => 2 * Math.Sqrt(5) + 1,          // √(4+1) + √(1+4) + √(1+0)
            (TvNorm.Anisotropic, DifferenceBoundary.Neumann) => 7,                           // 2+1+1 + 1+2+0
            (TvNorm.Isotropic, DifferenceBoundary.Circular) => 2 * Math.Sqrt(5) + Math.Sqrt(10) + 4,   // + √(1+9) + 2 + 1 + 1
            _ => 7 + 2 + 1 + 1 + 3,
        };
        var tv = new TotalVariation(norm, boundary);
        Assert.Equal(expected, tv.Value(Example()), 12);
        var gradient = tv.Gradient(Example());
        Assert.Equal([1L, 1, 2, 2, 3], gradient.shape);
        Assert.Equal(new double[] { 2, 1, -1 }, gradient[0, 0, 0, 0].data<double>().ToArray());
        Assert.Equal(new double[] { 1, 2, boundary == DifferenceBoundary.Neumann ? 0 : -3 }, gradient[0, 0, 1, 0].data<double>().ToArray());
        // The smoothed value exceeds the exact one by at most ε per term.
        double terms = 6 * (norm == TvNorm.Isotropic ? 1 : 2);
        Assert.InRange(tv.SmoothedValue(Example()) - expected, 0, tv.Epsilon * terms);
    }

    [Theory]
    [InlineData(DifferenceBoundary.Neumann)]
    [InlineData(DifferenceBoundary.Circular)]
    public void GradientAdjoint_SatisfiesInnerProductIdentity(DifferenceBoundary boundary)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(21);
        var tv = new TotalVariation(TvNorm.Isotropic, boundary);
        var x = randn([2, 3, 7, 5], ScalarType.Float64, generator: generator);
        var p = randn([2, 3, 2, 7, 5], ScalarType.Float64, generator: generator);
        double lhs = (tv.Gradient(x) * p).sum().item<double>();
        double rhs = (x * tv.GradientAdjoint(p)).sum().item<double>();
        Assert.True(Math.Abs(lhs - rhs) < 1e-12 * Math.Max(1, Math.Abs(lhs)), $"<∇x, p> = {lhs:R}, <x, ∇ᵀp> = {rhs:R}");
    }

    [Theory]
    [InlineData(TvNorm.Isotropic, DifferenceBoundary.Neumann)]
    [InlineData(TvNorm.Anisotropic, DifferenceBoundary.Neumann)]
    [InlineData(TvNorm.Isotropic, DifferenceBoundary.Circular)]
    public void SmoothedGradient_MatchesFiniteDifferencesAndAutograd(TvNorm norm, DifferenceBoundary boundary)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(22);
        var tv = new TotalVariation(norm, boundary, epsilon: 0.05);
        var x = randn([2, 1, 5, 6], ScalarType.Float64, generator: generator);
        var analytic = tv.SmoothedGradient(x);

        // Central differences, h = 1e-6: truncation O(h²/ε³) ≈ 1e-8, rounding ≈ 1e-16 · TV / h ≈ 1e-9.
        var flat = x.flatten().data<double>().ToArray();
        var numeric = new double[flat.Length];
        const double h = 1e-6;
        for (int i = 0; i < flat.Length; i++)
        {
            var plus = (double[])flat.Clone();
            var minus = (double[])flat.Clone();
            plus[i] += h;
            minus[i] -= h;
            numeric[i] = (tv.SmoothedValue(tensor(plus, x.shape)) - tv.SmoothedValue(tensor(minus, x.shape))) / (2 * h);
        }
        Support.TensorAssert.Close(numeric, analytic, 1e-6, 1e-6, "∇TV_ε");

        var leaf = x.clone().requires_grad_(true);
        var autograd = torch.autograd.grad([tv.SmoothedPerImage(leaf).sum()], [leaf])[0];
        Assert.True((autograd - analytic).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void Shrink_IsVectorShrinkageForIsotropicAndSoftThresholdingForAnisotropic()
    {
        using var scope = NewDisposeScope();
        // One pixel with gradient (3, 4), |v| = 5, τ = 1: isotropic → (3, 4) · 4/5; anisotropic → (2, 3). A second pixel below τ → 0.
        var v = tensor(new double[] { 3, 0.5, 4, -0.6 }, [1, 1, 2, 1, 2]);
        var iso = new TotalVariation(TvNorm.Isotropic).Shrink(v, 1.0);
        Support.TensorAssert.Close(new double[] { 2.4, 0, 3.2, 0 }, iso, 1e-15, 1e-15, "isotropic");
        var aniso = new TotalVariation(TvNorm.Anisotropic).Shrink(v, 1.0);
        Support.TensorAssert.Close(new double[] { 2, 0, 3, 0 }, aniso, 1e-15, 1e-15, "anisotropic");
        // τ = 0 is the identity, including at v = 0 (no 0/0).
        var zero = zeros([1, 1, 2, 1, 2], ScalarType.Float64);
        Assert.Equal(0, new TotalVariation().Shrink(zero, 0).abs().sum().item<double>());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TotalVariation().Shrink(v, -1));
    }

    [Fact]
    public void Shrink_IsTheProximalMapOfTheNorm()
    {
        // prox minimises τ Σ‖z_ij‖ + ½‖z − v‖²: no random perturbation of it does better.
        using var scope = NewDisposeScope();
        using var generator = new Generator(23);
        foreach (var norm in new[] { TvNorm.Isotropic, TvNorm.Anisotropic })
        {
            var tv = new TotalVariation(norm);
            var v = randn([1, 1, 2, 3, 3], ScalarType.Float64, generator: generator);
            const double tau = 0.7;
            double Cost(Tensor z) => tau * tv.PixelNorm(z).sum().item<double>() + 0.5 * (z - v).square().sum().item<double>();
            var prox = tv.Shrink(v, tau);
            double best = Cost(prox);
            for (int trial = 0; trial < 200; trial++)
            {
                Assert.True(Cost(prox + 1e-3 * randn(v.shape, ScalarType.Float64, generator: generator)) >= best - 1e-12);
            }
        }
    }
}
