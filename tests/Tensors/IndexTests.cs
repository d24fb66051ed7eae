using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Tensors;

/// <summary>Index-tensor ops against PyTorch 1.13.1 (float64, exact).</summary>
public class IndexTests
{
    private static readonly Fixture F = Fixture.Load("ops.json");

    [Fact]
    public void IndexSelectGatherScatterAdd_MatchPyTorch()
    {
        using var scope = new TensorScope();
        var x = F.Tensor("x");
        TensorAssert.Close(F, "index_select", x.IndexSelect(0, F.Tensor("idx")), 0, 0);
        TensorAssert.Close(F, "gather", x.Gather(1, F.Tensor("gidx")), 0, 0);
        var zeros = Torch.Zeros([3, 4], DType.Float64);
        TensorAssert.Close(F, "scatter_add", zeros.ScatterAdd(0, F.Tensor("sidx"), x), 1e-15, 0);
        Assert.Equal(0.0, zeros.Abs().Sum().ToDouble());
    }

    [Fact]
    public void MaskedSelectNonzeroOneHot_Work()
    {
        using var scope = new TensorScope();
        var t = Torch.FromArray(new double[] { 1, -2, 3, -4 });
        Assert.Equal(new double[] { 1, 3 }, t.MaskedSelect(t.Gt(0)).ToArray<double>());
        Assert.Equal(new long[] { 0, 2 }, t.Gt(0).Nonzero().ToArray<long>());
        var oh = Torch.FromArray(new long[] { 2, 0 }).OneHot(3);
        Assert.Equal(new long[] { 0, 0, 1, 1, 0, 0 }, oh.ToArray<long>());
    }

    [Fact]
    public void Gather_ThrowsForIndexOutOfRange()
    {
        using var scope = new TensorScope();
        var x = Torch.Zeros([2, 2]);
        var index = Torch.FromArray(new long[] { 0, 5, 1, 0 }, 2, 2);
        var e = Assert.Throws<TorchException>(() => x.Gather(1, index));
        Assert.Contains("gather", e.Message);
    }
}
