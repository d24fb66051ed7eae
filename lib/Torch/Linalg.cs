namespace Diffusion.Tensors;

/// <summary>Matrix decompositions and solvers (<c>torch.linalg</c>). Use float64 where accuracy matters (FID).</summary>
public static class Linalg
{
    /// <summary>Eigen-decomposition of a symmetric (Hermitian) matrix or batch: ascending eigenvalues and orthonormal eigenvectors (columns).</summary>
    /// <remarks>A = V · diag(λ) · Vᵀ.</remarks>
    public static (Tensor Eigenvalues, Tensor Eigenvectors) Eigh(Tensor a) =>
        Tensor.WrapPair(NativeMethods.dt_linalg_eigh(a.Handle, out var l, out var v), l, v, "linalg_eigh", a);

    /// <summary>The eigenvalues of a symmetric matrix, ascending.</summary>
    public static Tensor EigvalsH(Tensor a) => Tensor.Wrap(NativeMethods.dt_linalg_eigvalsh(a.Handle, out var r), r, "linalg_eigvalsh", a);

    /// <summary>The lower-triangular L with A = L·Lᵀ for a symmetric positive-definite A.</summary>
    public static Tensor Cholesky(Tensor a) => Tensor.Wrap(NativeMethods.dt_linalg_cholesky(a.Handle, out var r), r, "linalg_cholesky", a);

    /// <summary>The inverse A⁻¹ of a square matrix (or batch).</summary>
    public static Tensor Inverse(Tensor a) => Tensor.Wrap(NativeMethods.dt_linalg_inv(a.Handle, out var r), r, "linalg_inv", a);

    /// <summary>The determinant of a square matrix (or batch).</summary>
    public static Tensor Det(Tensor a) => Tensor.Wrap(NativeMethods.dt_linalg_det(a.Handle, out var r), r, "linalg_det", a);

    /// <summary>The X with A·X = B.</summary>
    public static Tensor Solve(Tensor a, Tensor b) => Tensor.Wrap(NativeMethods.dt_linalg_solve(a.Handle, b.Handle, out var r), r, "linalg_solve", a, b);

    /// <summary>The reduced (or full) singular value decomposition A = U·diag(S)·Vᴴ.</summary>
    public static (Tensor U, Tensor S, Tensor Vh) Svd(Tensor a, bool fullMatrices = false)
    {
        int rc = NativeMethods.dt_linalg_svd(a.Handle, fullMatrices ? 1 : 0, out var u, out var s, out var vh);
        if (rc != 0)
        {
            throw TorchException.FromLastError("linalg_svd", [a]);
        }
        return (new Tensor(u), new Tensor(s), new Tensor(vh));
    }

    /// <summary>The symmetric square root of a symmetric positive semi-definite matrix, via <see cref="Eigh"/>.</summary>
    /// <remarks>√A = V · diag(√max(λ, 0)) · Vᵀ.</remarks>
    public static Tensor SqrtmSymmetric(Tensor a)
    {
        var (values, vectors) = Eigh(a);
        using (values)
        using (vectors)
        using (var root = values.ClampMin(0))
        using (var sq = root.Sqrt())
        using (var scaled = vectors.Mul(sq.Unsqueeze(-2)))
        using (var vt = vectors.Transpose(-2, -1))
        {
            return scaled.MatMul(vt);
        }
    }
}
