using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Tensors;

/// <summary>Comparisons, logical ops, Where and MaskedFill against PyTorch 1.13.1; bool results compared exactly.</summary>
public class CompareTests
{
    private static readonly Fixture F = Fixture.Load("ops.json");

    [Theory]
    [InlineData("eq")]
    [InlineData("ne")]
    [InlineData("lt")]
    [InlineData("le")]
    [InlineData("gt")]
    [InlineData("ge")]
    [InlineData("gt_s")]
    [InlineData("le_s")]
    [InlineData("logical_and")]
    [InlineData("logical_or")]
    [InlineData("logical_not")]
    [InlineData("isnan")]
    [InlineData("isfinite")]
    public void Comparison_MatchesPyTorchAndIsBool(string name)
    {
        using var scope = new TensorScope();
        var x = F.Tensor("x");
        var y = F.Tensor("y");
        var special = F.Tensor("special");
        Tensor actual = name switch
        {
            "eq" => x.Eq(x.Clamp(-0.5, 0.5)),
            "ne" => x.Ne(x.Clamp(-0.5, 0.5)),
            "lt" => x.Lt(y),
            "le" => x.Le(y),
            "gt" => x.Gt(y),
            "ge" => x.Ge(y),
            "gt_s" => x.Gt(0.1),
            "le_s" => x.Le(0.1),
            "logical_and" => x.Gt(0).LogicalAnd(y.Gt(0)),
            "logical_or" => x.Gt(0).LogicalOr(y.Gt(0)),
            "logical_not" => x.Gt(0).LogicalNot(),
            "isnan" => special.IsNaN(),
            "isfinite" => special.IsFinite(),
            _ => throw new ArgumentException(name),
        };
        Assert.Equal(DType.Bool, actual.DType);
        TensorAssert.Close(F, name, actual, 0, 0);
    }

    [Theory]
    [InlineData("where")]
    [InlineData("where_ts")]
    [InlineData("where_st")]
    [InlineData("masked_fill")]
    [InlineData("masked_fill_row")]
    public void Selection_MatchesPyTorch(string name)
    {
        using var scope = new TensorScope();
        var x = F.Tensor("x");
        var y = F.Tensor("y");
        var row = F.Tensor("row");
        Tensor actual = name switch
        {
            "where" => Torch.Where(x.Gt(0), x, y),
            "where_ts" => Torch.Where(x.Gt(0), x, -1.0),
            "where_st" => Torch.Where(x.Gt(0), 2.0, y),
            "masked_fill" => x.MaskedFill(x.Lt(0), 0.0),
            "masked_fill_row" => x.MaskedFill(row.Gt(0), -7.0),
            _ => throw new ArgumentException(name),
        };
        TensorAssert.Close(F, name, actual, 0, 0);
    }

    [Fact]
    public void Where_WithTwoScalars_GivesFloat32AndBroadcasts()
    {
        using var scope = new TensorScope();
        var cond = Torch.FromArray(new[] { true, false, true });
        var w = Torch.Where(cond, 1.0, -1.0);
        Assert.Equal(DType.Float32, w.DType);
        Assert.Equal(new float[] { 1, -1, 1 }, w.ToArray<float>());
        var grid = Torch.Where(cond.Unsqueeze(1), Torch.Ones([1, 2]), 0.0);
        Assert.Equal(new long[] { 3, 2 }, grid.Shape);
        Assert.Equal(4.0, grid.Sum().ToDouble());
    }

    [Fact]
    public void AllCloseAndEqual_Agree()
    {
        using var scope = new TensorScope();
        var x = F.Tensor("x");
        Assert.True(x.Equal(x.Clone()));
        Assert.True(x.AllClose(x + 1e-9));
        Assert.False(x.AllClose(x + 1e-3));
    }
}
