using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Tensors;

/// <summary>Views, joins, splits, repeats and padding against PyTorch 1.13.1 (float64; values are moved, so compared exactly).</summary>
public class ShapeTests
{
    private static readonly Fixture F = Fixture.Load("ops.json");

    [Theory]
    [InlineData("view")]
    [InlineData("permute")]
    [InlineData("transpose")]
    [InlineData("flatten_1")]
    [InlineData("unsqueeze")]
    [InlineData("squeeze")]
    [InlineData("squeeze_0")]
    [InlineData("cat_0")]
    [InlineData("cat_1")]
    [InlineData("stack_1")]
    [InlineData("narrow")]
    [InlineData("slice")]
    [InlineData("slice_neg")]
    [InlineData("select")]
    [InlineData("select_neg")]
    [InlineData("expand")]
    [InlineData("repeat")]
    [InlineData("flip")]
    [InlineData("roll")]
    [InlineData("pad_constant")]
    [InlineData("pad_reflect")]
    [InlineData("pad_replicate")]
    [InlineData("pad_circular")]
    public void Shape_MatchesPyTorch(string name)
    {
        using var scope = new TensorScope();
        var x = F.Tensor("x");
        var y = F.Tensor("y");
        var pos = F.Tensor("pos");
        var big = F.Tensor("big");
        var img = F.Tensor("img");
        Tensor actual = name switch
        {
            "view" => big.View(4, 6),
            "permute" => big.Permute(2, 0, 1),
            "transpose" => big.Transpose(0, 2),
            "flatten_1" => big.Flatten(1),
            "unsqueeze" => big.Unsqueeze(1),
            "squeeze" => img.Squeeze(),
            "squeeze_0" => img.Squeeze(0),
            "cat_0" => Torch.Cat([x, y], 0),
            "cat_1" => Torch.Cat([x, y, pos], 1),
            "stack_1" => Torch.Stack([x, y], 1),
            "narrow" => big.Narrow(2, 1, 2),
            "slice" => big.Slice(1, 0, 3, 2),
            "slice_neg" => big.Slice(-1, -2, null),
            "select" => big.Select(1, 2),
            "select_neg" => big.Select(2, -1),
            "expand" => F.Tensor("row").Expand(3, 4),
            "repeat" => x.Repeat(2, 1),
            "flip" => big.Flip(0, 2),
            "roll" => big.Roll(1, 2),
            "pad_constant" => img.Pad([1, 2, 0, 1], PadMode.Constant, 3.0),
            "pad_reflect" => img.Pad([2, 1, 1, 2], PadMode.Reflect),
            "pad_replicate" => img.Pad([1, 2, 2, 1], PadMode.Replicate),
            "pad_circular" => img.Pad([1, 2, 2, 1], PadMode.Circular),
            _ => throw new ArgumentException(name),
        };
        TensorAssert.Close(F, name, actual, 0, 0);
    }

    [Fact]
    public void ChunkAndSplit_MatchPyTorch()
    {
        using var scope = new TensorScope();
        var chunks = F.Tensor("big").Chunk(2, 2);
        Assert.Equal(2, chunks.Length);
        TensorAssert.Close(F, "chunk_0", chunks[0], 0, 0);
        TensorAssert.Close(F, "chunk_1", chunks[1], 0, 0);
        var splits = F.Tensor("x").Split(3, 1);
        Assert.Equal(2, splits.Length);
        TensorAssert.Close(F, "split_0", splits[0], 0, 0);
        TensorAssert.Close(F, "split_1", splits[1], 0, 0);
        var sized = F.Tensor("x").Split([1, 3], 1);
        Assert.Equal(new long[] { 3, 3 }, sized[1].Shape);
        Assert.Equal(4, F.Tensor("x").Unbind(1).Length);
    }

    [Fact]
    public void ViewsShareStorage_CloneAndContiguousCopy()
    {
        using var scope = new TensorScope();
        var x = Torch.Zeros([2, 3]);
        var t = x.Transpose(0, 1);
        Assert.False(t.IsContiguous);
        var c = t.Contiguous();
        Assert.True(c.IsContiguous);
        var clone = x.Clone();
        x.Unsqueeze(0).Fill_(1);
        Assert.Equal(6.0, t.Sum().ToDouble());
        Assert.Equal(0.0, clone.Sum().ToDouble());
        Assert.Equal(new long[] { 3, 2, 3 }, Torch.Ones([2, 3]).ExpandAs(Torch.Zeros([3, 2, 3])).Shape);
        Assert.Equal(new long[] { 2, 1, 3 }, x.Unflatten(1, 1, 3).Shape);
    }
}
