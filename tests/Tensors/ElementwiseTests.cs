using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Tensors;

/// <summary>Elementwise math against PyTorch 1.13.1 (tests/fixtures/make_ops.py), float64 inputs, atol 1e-12, rtol 1e-10.</summary>
public class ElementwiseTests
{
    private static readonly Fixture F = Fixture.Load("ops.json");

    [Theory]
    [InlineData("abs")]
    [InlineData("pow_3")]
    [InlineData("pow_pos_y")]
    [InlineData("square")]
    [InlineData("rsqrt")]
    [InlineData("reciprocal")]
    [InlineData("sin")]
    [InlineData("cos")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("erf")]
    [InlineData("log1p")]
    [InlineData("expm1")]
    [InlineData("log2")]
    [InlineData("floor")]
    [InlineData("ceil")]
    [InlineData("round")]
    [InlineData("sign")]
    [InlineData("clamp")]
    [InlineData("clamp_min")]
    [InlineData("clamp_max")]
    [InlineData("maximum")]
    [InlineData("minimum")]
    [InlineData("lerp")]
    [InlineData("atan2")]
    [InlineData("remainder")]
    public void Elementwise_MatchesPyTorch(string name)
    {
        using var scope = new TensorScope();
        var x = F.Tensor("x");
        var y = F.Tensor("y");
        var pos = F.Tensor("pos");
        Tensor actual = name switch
        {
            "abs" => x.Abs(),
            "pow_3" => x.Pow(3),
            "pow_pos_y" => pos.Pow(y),
            "square" => x.Square(),
            "rsqrt" => pos.Rsqrt(),
            "reciprocal" => pos.Reciprocal(),
            "sin" => x.Sin(),
            "cos" => x.Cos(),
            "tanh" => x.Tanh(),
            "sigmoid" => x.Sigmoid(),
            "erf" => x.Erf(),
            "log1p" => pos.Log1p(),
            "expm1" => x.Expm1(),
            "log2" => pos.Log2(),
            "floor" => (3.0 * x).Floor(),
            "ceil" => (3.0 * x).Ceil(),
            "round" => F.Tensor("halves").Round(),
            "sign" => x.Sign(),
            "clamp" => x.Clamp(-0.5, 0.5),
            "clamp_min" => x.ClampMin(0.1),
            "clamp_max" => x.Clamp(max: 0.2),
            "maximum" => x.Maximum(y),
            "minimum" => x.Minimum(y),
            "lerp" => x.Lerp(y, 0.3),
            "atan2" => x.Atan2(y),
            "remainder" => (3.0 * x).Remainder(1.5),
            _ => throw new ArgumentException(name),
        };
        Assert.Equal(DType.Float64, actual.DType);
        TensorAssert.Close(F, name, actual, 1e-12, 1e-10);
    }

    [Fact]
    public void Round_RoundsHalvesToEven()
    {
        using var scope = new TensorScope();
        var t = Torch.FromArray(new double[] { 0.5, 1.5, 2.5, -0.5 }).Round();
        Assert.Equal(new double[] { 0, 2, 2, -0 }, t.ToArray<double>());
    }

    [Fact]
    public void Clamp_WithoutBounds_Throws()
    {
        using var scope = new TensorScope();
        var x = Torch.Zeros([2]);
        Assert.Throws<ArgumentException>(() => x.Clamp());
    }

    [Fact]
    public void Pow_ThrowsForShapeMismatchNamingBothShapes()
    {
        using var scope = new TensorScope();
        var a = Torch.Ones([2, 3]);
        var b = Torch.Ones([4]);
        var e = Assert.Throws<TorchException>(() => a.Pow(b));
        Assert.Contains("pow", e.Message);
        Assert.Contains("[2, 3] and [4]", e.Message);
    }
}
