using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Engine;

public class UniformDropoutTests
{
    [Fact]
    public void Training_ZeroesAFractionP_AndScalesTheRestBy1OverOneMinusP()
    {
        using var dropout = new UniformDropout(0.1);
        dropout.train();
        using var scope = NewDisposeScope();
        manual_seed(3);
        var x = ones(200_000);
        var y = dropout.call(x);
        long n = x.numel();
        double zeroed = y.eq(0).sum().item<long>() / (double)n;
        // Binomial(200,000, 0.1): standard deviation of the fraction 0.00067; 5 sigma.
        Assert.InRange(zeroed, 0.1 - 0.0034, 0.1 + 0.0034);
        Assert.True(y.ne(0).logical_and(y.ne(1 / 0.9f)).sum().item<long>() == 0, "kept elements are scaled by exactly 1/(1-p)");
        Assert.InRange(y.mean().item<float>(), 1 - 0.004, 1 + 0.004);   // E[y] = x
    }

    [Fact]
    public void Gradient_IsTheSameMaskScaled()
    {
        using var dropout = new UniformDropout(0.3);
        dropout.train();
        using var scope = NewDisposeScope();
        var x = randn(1000).requires_grad_();
        var y = dropout.call(x);
        y.sum().backward();
        var expected = y.detach().ne(0).to(ScalarType.Float32) / 0.7;
        Assert.True(x.grad!.allclose(expected, rtol: 1e-6, atol: 1e-7));
    }

    [Fact]
    public void Mask_DependsOnlyOnTheGlobalSeed()
    {
        using var dropout = new UniformDropout(0.5);
        dropout.train();
        using var scope = NewDisposeScope();
        var x = ones(64);
        manual_seed(11);
        var first = dropout.call(x);
        manual_seed(11);
        var second = dropout.call(x);
        Assert.True(first.eq(second).all().item<bool>());
        Assert.False(first.eq(dropout.call(x)).all().item<bool>());
    }

    [Fact]
    public void EvaluationOrZeroP_IsTheIdentity()
    {
        using var scope = NewDisposeScope();
        var x = randn(100);
        using var dropout = new UniformDropout(0.2);
        dropout.eval();
        Assert.True(dropout.call(x).eq(x).all().item<bool>());
        using var none = new UniformDropout(0);
        none.train();
        Assert.True(none.call(x).eq(x).all().item<bool>());
    }

    [Fact]
    public void BFloat16Input_GivesBFloat16Output()
    {
        using var dropout = new UniformDropout(0.1);
        dropout.train();
        using var scope = NewDisposeScope();
        Assert.Equal(ScalarType.BFloat16, dropout.call(ones(10, ScalarType.BFloat16)).dtype);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Probability_OutsideZeroToOne_IsRejected(double p) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new UniformDropout(p));
}
