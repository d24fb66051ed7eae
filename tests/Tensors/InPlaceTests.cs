using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Tensors;

/// <summary>In-place ops change the tensor, return the same object, and match PyTorch 1.13.1 (float64, atol 1e-12).</summary>
public class InPlaceTests
{
    private static readonly Fixture F = Fixture.Load("ops.json");

    [Theory]
    [InlineData("add_")]
    [InlineData("add_s")]
    [InlineData("sub_")]
    [InlineData("mul_")]
    [InlineData("mul_s")]
    [InlineData("div_")]
    [InlineData("div_s")]
    [InlineData("addcmul_")]
    [InlineData("addcdiv_")]
    [InlineData("clamp_")]
    [InlineData("lerp_")]
    [InlineData("sqrt_")]
    public void InPlace_MatchesPyTorchAndReturnsThis(string name)
    {
        using var scope = new TensorScope();
        var y = F.Tensor("y");
        var pos = F.Tensor("pos");
        var t = name == "sqrt_" ? F.Tensor("pos") : F.Tensor("x");
        Tensor returned = name switch
        {
            "add_" => t.Add_(y, 0.5),
            "add_s" => t.Add_(2.0),
            "sub_" => t.Sub_(y, 2.0),
            "mul_" => t.Mul_(y),
            "mul_s" => t.Mul_(-3.0),
            "div_" => t.Div_(pos),
            "div_s" => t.Div_(4.0),
            "addcmul_" => t.Addcmul_(y, pos, 0.7),
            "addcdiv_" => t.Addcdiv_(y, pos, -0.2),
            "clamp_" => t.Clamp_(-0.3, 0.4),
            "lerp_" => t.Lerp_(y, 0.999),
            "sqrt_" => t.Sqrt_(),
            _ => throw new ArgumentException(name),
        };
        Assert.Same(t, returned);
        TensorAssert.Close(F, name, t, 1e-12, 1e-12);
    }

    [Fact]
    public void CopyZeroFill_WriteThroughViews()
    {
        using var scope = new TensorScope();
        var t = Torch.Zeros([2, 3], DType.Float64);
        var alias = t.Alias();
        var row = t.Select(0, 1);
        row.Fill_(4);
        Assert.Equal(new double[] { 0, 0, 0, 4, 4, 4 }, alias.ToArray<double>());
        t.Copy_(Torch.FromArray(new double[] { 1, 2, 3 }));
        Assert.Equal(new double[] { 1, 2, 3, 1, 2, 3 }, alias.ToArray<double>());
        Assert.Same(t, t.Zero_());
        Assert.Equal(0.0, alias.Abs().Sum().ToDouble());
    }

    [Fact]
    public void Add_ThrowsForShapeMismatchNamingBothShapes()
    {
        using var scope = new TensorScope();
        var a = Torch.Zeros([2, 3]);
        var b = Torch.Zeros([3, 2]);
        var e = Assert.Throws<TorchException>(() => a.Add_(b));
        Assert.Contains("[2, 3] and [3, 2]", e.Message);
    }
}
