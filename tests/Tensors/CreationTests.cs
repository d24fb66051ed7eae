using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Tensors;

/// <summary>Creation functions: shapes, dtypes and values against PyTorch 1.13.1 where deterministic.</summary>
public class CreationTests
{
    private static readonly Fixture F = Fixture.Load("ops.json");

    [Fact]
    public void Arange_IntegersDefaultToInt64LikePyTorch()
    {
        using var scope = new TensorScope();
        var a = Torch.Arange(5);
        Assert.Equal(DType.Int64, a.DType);
        TensorAssert.Close(F, "arange_5", a, 0, 0);
        TensorAssert.Close(F, "arange_2_11_3", Torch.Arange(2, 11, 3), 0, 0);
        var f = Torch.Arange(0.0, 1.0, 0.25);
        Assert.Equal(DType.Float32, f.DType);
        TensorAssert.Close(F, "arange_f", f, 0, 0);
    }

    [Fact]
    public void LinspaceEyeFull_MatchPyTorch()
    {
        using var scope = new TensorScope();
        TensorAssert.Close(F, "linspace", Torch.Linspace(-1, 1, 5), 1e-7, 0);
        TensorAssert.Close(F, "eye_3", Torch.Eye(3), 0, 0);
        TensorAssert.Close(F, "eye_2_3", Torch.Eye(2, 3), 0, 0);
        TensorAssert.Close(F, "full", Torch.Full([2, 2], 1.5), 0, 0);
    }

    [Fact]
    public void OnesEmptyZeros_HaveShapeAndDType()
    {
        using var scope = new TensorScope();
        var o = Torch.Ones([2, 3], DType.Float64);
        Assert.Equal(new long[] { 2, 3 }, o.Shape);
        Assert.Equal(6.0, o.Sum().ToDouble());
        var e = Torch.Empty([4, 1], DType.Int32);
        Assert.Equal(DType.Int32, e.DType);
        Assert.Equal(new long[] { 4, 1 }, e.Shape);
        Assert.Equal(0.0, Torch.Zeros([3]).Sum().ToDouble());
    }

    [Fact]
    public void LikeFunctions_CopyShapeAndDTypeUnlessGiven()
    {
        using var scope = new TensorScope();
        var x = Torch.Zeros([2, 5], DType.Float64);
        Assert.Equal(DType.Float64, Torch.OnesLike(x).DType);
        Assert.Equal(10.0, Torch.OnesLike(x).Sum().ToDouble());
        Assert.Equal(DType.Float32, Torch.ZerosLike(x, DType.Float32).DType);
        Assert.Equal(new double[] { 2.5, 2.5 }, Torch.FullLike(Torch.Zeros([2], DType.Float64), 2.5).ToArray<double>());
        Assert.Equal(new long[] { 2, 5 }, Torch.RandLike(x).Shape);
        Assert.Equal(new long[] { 2, 5 }, Torch.RandnLike(x).Shape);
        var ri = Torch.RandintLike(x, 3, 5, DType.Int64).ToArray<long>();
        Assert.All(ri, v => Assert.InRange(v, 3, 4));
    }

    [Fact]
    public void RandomFunctions_RespectRanges()
    {
        using var scope = new TensorScope();
        Torch.ManualSeed(3);
        var u = Torch.Rand([1000]).ToArray<float>();
        Assert.All(u, v => Assert.InRange(v, 0f, 1f));
        var ri = Torch.Randint(-2, 3, [500]).ToArray<long>();
        Assert.All(ri, v => Assert.InRange(v, -2, 2));
        Assert.Equal(5, ri.Distinct().Count());
        var perm = Torch.Randperm(10).ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), perm.OrderBy(v => v));
        var n = Torch.Normal(3.0, 0.5, [20000], DType.Float64);
        Assert.InRange(n.Mean().ToDouble(), 2.98, 3.02);
        Assert.InRange(n.Std().ToDouble(), 0.49, 0.51);
    }
}
