using Diffusion.Inverse;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>Measurement operators: the adjoint identity in float64, and blurs/pooling against PyTorch (tests/fixtures/make_inverse.py).</summary>
public class OperatorTests
{
    public static TheoryData<string> Operators => new() { "box", "random", "blur-zero", "blur-reflect", "blur-circular", "pool2", "pool4" };

    private static MeasurementOperator Make(string name, Generator generator) => name switch
    {
        "box" => PixelMask.Box(28, 28, 8, 6, 12, 14),
        "random" => PixelMask.RandomPixels(28, 28, 0.3, generator),
        "blur-zero" => new GaussianBlur(28, 28, 9, 2.0, BlurPadding.Zero),
        "blur-reflect" => new GaussianBlur(28, 28, 9, 2.0, BlurPadding.Reflect),
        "blur-circular" => new GaussianBlur(28, 28, 9, 2.0, BlurPadding.Circular),
        "pool2" => new AveragePoolDownsample(28, 28, 2),
        "pool4" => new AveragePoolDownsample(28, 28, 4),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public void Adjoint_SatisfiesInnerProductIdentity(string name)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var a = Make(name, generator);
        var x = randn([3, 2, 28, 28], ScalarType.Float64, generator: generator);
        var y = randn(a.MeasurementShape(x.shape), ScalarType.Float64, generator: generator);
        double lhs = (a.Forward(x) * y).sum().item<double>();
        double rhs = (x * a.Adjoint(y)).sum().item<double>();
        Assert.True(Math.Abs(lhs - rhs) <= 1e-12 * Math.Max(1, Math.Abs(lhs)), $"{a.Name}: <Ax, y> = {lhs:R}, <x, Aᵀy> = {rhs:R}");
        // Not a vacuous identity: A is not zero and not the identity.
        Assert.True(Math.Abs(lhs) > 1e-3);
        if (a.MeasurementShape(x.shape).SequenceEqual(x.shape))
        {
            Assert.True((a.Forward(x) - x).abs().max().item<double>() > 1e-3);
        }
    }

    [Theory]
    [InlineData(BlurPadding.Zero, "zeros")]
    [InlineData(BlurPadding.Reflect, "reflect")]
    [InlineData(BlurPadding.Circular, "circular")]
    public void GaussianBlur_MatchesPyTorchConvolutionAndItsVjp(BlurPadding padding, string mode)
    {
        var fixture = Fixture.Load("inverse.json");
        using var scope = NewDisposeScope();
        var blur = new GaussianBlur(12, 10, 5, 1.3, padding);
        TensorAssert.Close(fixture, $"blur_{mode}", blur.Forward(fixture.Tensor("x")), 1e-14, 1e-12);
        TensorAssert.Close(fixture, $"blur_{mode}_vjp", blur.Adjoint(fixture.Tensor("y")), 1e-14, 1e-12);
    }

    [Fact]
    public void AveragePool_MatchesPyTorchAndItsVjp()
    {
        var fixture = Fixture.Load("inverse.json");
        using var scope = NewDisposeScope();
        var pool = new AveragePoolDownsample(12, 10, 2);
        TensorAssert.Close(fixture, "pool2", pool.Forward(fixture.Tensor("x")), 1e-14, 1e-12);
        TensorAssert.Close(fixture, "pool2_vjp", pool.Adjoint(fixture.Tensor("pool2_y")), 1e-14, 1e-12);
    }

    [Fact]
    public void ForwardGradient_IsTheAdjoint()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(12);
        var a = new GaussianBlur(28, 28, 7, 1.5, BlurPadding.Reflect);
        var x = randn([2, 1, 28, 28], ScalarType.Float32, generator: generator).requires_grad_(true);
        var y = randn([2, 1, 28, 28], ScalarType.Float32, generator: generator);
        var grad = torch.autograd.grad([(a.Forward(x) * y).sum()], [x])[0];
        Assert.True((grad - a.Adjoint(y)).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void Measure_AddsNoiseOfSigmaY()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(13);
        var a = PixelMask.Box(28, 28, 0, 0, 14, 28);
        var x = zeros(50, 1, 28, 28);
        var y = a.Measure(x, 0.05, generator);
        Assert.Equal(0.05, y.std().item<float>(), 2);
        Assert.Equal(0.0, a.Measure(x, 0).abs().max().item<float>());
    }

    [Fact]
    public void BadShapes_ThrowWithShapes()
    {
        using var scope = NewDisposeScope();
        var blur = new GaussianBlur(28, 28, 9, 2.0, BlurPadding.Zero);
        var ex = Assert.Throws<ArgumentException>(() => blur.Forward(zeros(1, 1, 28, 27)));
        Assert.Contains("[1, 1, 28, 27]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => PixelMask.Box(28, 28, 0, 0, 4, 4).Forward(zeros(1, 1, 20, 20)));
        Assert.Contains("[1, 1, 20, 20]", ex.Message);
        Assert.Throws<ArgumentException>(() => blur.Forward(zeros(28, 28)));
        Assert.Throws<ArgumentException>(() => new AveragePoolDownsample(28, 28, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianBlur(28, 28, 4, 2.0, BlurPadding.Zero));
    }
}
