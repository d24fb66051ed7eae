using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Tensors;

/// <summary>Matrix products, einsum and decompositions against PyTorch 1.13.1 (float64, atol 1e-10, rtol 1e-9).</summary>
public class LinalgTests
{
    private static readonly Fixture F = Fixture.Load("ops.json");

    [Fact]
    public void Products_MatchPyTorch()
    {
        using var scope = new TensorScope();
        var row = F.Tensor("row");
        TensorAssert.Close(F, "mm", F.Tensor("a").Mm(F.Tensor("b")), 1e-12, 1e-10);
        TensorAssert.Close(F, "bmm", F.Tensor("ba").Bmm(F.Tensor("bb")), 1e-12, 1e-10);
        TensorAssert.Close(F, "outer", row.Outer(row.Narrow(0, 0, 3)), 1e-12, 1e-10);
        TensorAssert.Close(F, "einsum_bij", Torch.Einsum("bij,bjk->bik", F.Tensor("ba"), F.Tensor("bb")), 1e-12, 1e-10);
        TensorAssert.Close(F, "einsum_trace", Torch.Einsum("ii->", F.Tensor("spd")), 1e-12, 1e-10);
        Assert.Equal(F.Scalar("einsum_trace"), F.Tensor("spd").Trace().ToDouble(), 10);
    }

    [Fact]
    public void Decompositions_MatchPyTorch()
    {
        using var scope = new TensorScope();
        var spd = F.Tensor("spd");
        TensorAssert.Close(F, "cholesky", Linalg.Cholesky(spd), 1e-10, 1e-9);
        TensorAssert.Close(F, "inverse", Linalg.Inverse(spd), 1e-10, 1e-9);
        TensorAssert.Close(F, "det", Linalg.Det(spd), 1e-10, 1e-9);
        var (values, vectors) = Linalg.Eigh(spd);
        TensorAssert.Close(F, "eigvals", values, 1e-10, 1e-9);
        TensorAssert.Close(F, "eigvals", Linalg.EigvalsH(spd), 1e-10, 1e-9);
        var rebuilt = vectors.Mul(values.Unsqueeze(0)).MatMul(vectors.Transpose(0, 1));
        TensorAssert.Close(F.Values("spd"), rebuilt, 1e-10, 1e-9, "V diag(L) V^T");
    }

    [Fact]
    public void SqrtmSymmetric_SquaresBack()
    {
        using var scope = new TensorScope();
        var spd = F.Tensor("spd");
        var root = Linalg.SqrtmSymmetric(spd);
        TensorAssert.Close(F.Values("spd"), root.MatMul(root), 1e-10, 1e-9, "sqrtm^2");
        var solved = Linalg.Solve(spd, Torch.Eye(4, DType.Float64));
        TensorAssert.Close(F, "inverse", solved, 1e-10, 1e-9);
        var (u, s, vh) = Linalg.Svd(spd);
        TensorAssert.Close(F.Values("spd"), u.Mul(s.Unsqueeze(0)).MatMul(vh), 1e-10, 1e-9, "svd");
    }

    [Fact]
    public void Mm_ThrowsForMismatchedInnerSizesNamingBothShapes()
    {
        using var scope = new TensorScope();
        var e = Assert.Throws<TorchException>(() => Torch.Zeros([2, 3]).Mm(Torch.Zeros([2, 3])));
        Assert.Contains("[2, 3] and [2, 3]", e.Message);
        Assert.Throws<TorchException>(() => Linalg.Cholesky(Torch.FromArray(new double[] { 1, 2, 2, 1 }, 2, 2)));
    }
}
