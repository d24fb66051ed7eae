using Diffusion.Tensors;

namespace Diffusion.Metrics;

/// <summary>The Fréchet (2-Wasserstein) distance between two Gaussians, in float64.</summary>
/// <remarks>
/// d²(N(μ₁, Σ₁), N(μ₂, Σ₂)) = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}) (Dowson and Landau 1982).
/// <para>
/// The usual statement has Tr((Σ₁Σ₂)^{1/2}), which pytorch-fid evaluates with a general (complex) <c>scipy.linalg.sqrtm</c>.
/// The symmetric form gives the same trace: Σ₁Σ₂ = Σ₁^{1/2} · (Σ₁^{1/2}Σ₂) and M = Σ₁^{1/2}Σ₂Σ₁^{1/2} = (Σ₁^{1/2}Σ₂) · Σ₁^{1/2};
/// the products AB and BA have the same eigenvalues, so Σ₁Σ₂ has the eigenvalues λᵢ ≥ 0 of the positive semi-definite M,
/// and the principal square root of either matrix has eigenvalues √λᵢ; its trace is Σᵢ √λᵢ for both.
/// M is symmetric, so one symmetric eigendecomposition (<see cref="Linalg.Eigh"/>) suffices, with real output and no
/// complex round-off to discard. Eigenvalues that rounding makes slightly negative are clamped to 0 before the square root.
/// </para>
/// </remarks>
public static class FrechetDistance
{
    /// <summary>The squared Fréchet distance between N(<paramref name="mean1"/>, <paramref name="covariance1"/>) and N(<paramref name="mean2"/>, <paramref name="covariance2"/>).</summary>
    /// <param name="mean1">μ₁ [D].</param>
    /// <param name="covariance1">Σ₁ [D, D], symmetric positive semi-definite.</param>
    /// <param name="mean2">μ₂ [D].</param>
    /// <param name="covariance2">Σ₂ [D, D], symmetric positive semi-definite.</param>
    /// <returns>d² ≥ 0 (a value that rounding makes slightly negative is returned as 0).</returns>
    public static double Compute(Tensor mean1, Tensor covariance1, Tensor mean2, Tensor covariance2)
    {
        ArgumentNullException.ThrowIfNull(mean1);
        ArgumentNullException.ThrowIfNull(covariance1);
        ArgumentNullException.ThrowIfNull(mean2);
        ArgumentNullException.ThrowIfNull(covariance2);
        CheckShapes(mean1, covariance1, nameof(covariance1));
        CheckShapes(mean2, covariance2, nameof(covariance2));
        if (mean1.Size(0) != mean2.Size(0))
        {
            throw new ArgumentException($"the two Gaussians have different dimensions: {mean1.Size(0)} and {mean2.Size(0)}", nameof(mean2));
        }
        using var scope = new TensorScope();
        using var noGrad = Torch.NoGrad();
        var m1 = mean1.To(DType.Float64);
        var m2 = mean2.To(DType.Float64);
        var s1 = Symmetrize(covariance1.To(DType.Float64));
        var s2 = Symmetrize(covariance2.To(DType.Float64));
        var diff = m1 - m2;
        double meanTerm = diff.Dot(diff).ToDouble();
        double traceTerm = s1.Trace().ToDouble() + s2.Trace().ToDouble() - 2 * TraceSqrtProduct(s1, s2);
        double d2 = meanTerm + traceTerm;
        return d2 > 0 ? d2 : 0;
    }

    /// <summary>The squared Fréchet distance between two fitted Gaussians.</summary>
    public static double Compute(GaussianStatistics a, GaussianStatistics b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Compute(a.Mean, a.Covariance, b.Mean, b.Covariance);
    }

    /// <summary>Tr((Σ₁Σ₂)^{1/2}) = Σᵢ √max(λᵢ, 0), λ the eigenvalues of Σ₁^{1/2} Σ₂ Σ₁^{1/2} (float64, symmetric inputs).</summary>
    public static double TraceSqrtProduct(Tensor covariance1, Tensor covariance2)
    {
        using var scope = new TensorScope();
        using var noGrad = Torch.NoGrad();
        var s1 = Symmetrize(covariance1.To(DType.Float64));
        var s2 = Symmetrize(covariance2.To(DType.Float64));
        var root = Linalg.SqrtmSymmetric(s1);
        var middle = Symmetrize(root.MatMul(s2).MatMul(root));
        var eigenvalues = Linalg.EigvalsH(middle);
        return eigenvalues.ClampMin(0).Sqrt().Sum().ToDouble();
    }

    private static Tensor Symmetrize(Tensor m) => (m + m.Transpose(0, 1)) * 0.5;

    private static void CheckShapes(Tensor mean, Tensor covariance, string name)
    {
        if (mean.Dim != 1)
        {
            throw new ArgumentException($"a mean must have shape [D], got {Tensor.FormatShape(mean.Shape)}", name);
        }
        long d = mean.Size(0);
        if (covariance.Dim != 2 || covariance.Size(0) != d || covariance.Size(1) != d)
        {
            throw new ArgumentException($"the covariance must have shape [{d}, {d}] to match its mean, got {Tensor.FormatShape(covariance.Shape)}", name);
        }
    }
}
