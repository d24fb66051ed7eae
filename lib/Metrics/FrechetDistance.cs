using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>The Fréchet (2-Wasserstein) distance between two Gaussians, in float64.</summary>
/// <remarks>
/// d²(N(μ₁, Σ₁), N(μ₂, Σ₂)) = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}) (Dowson and Landau 1982).
/// <para>
/// The usual statement has Tr((Σ₁Σ₂)^{1/2}), which pytorch-fid evaluates with a general (complex) <c>scipy.linalg.sqrtm</c>.
/// The symmetric form gives the same trace: Σ₁Σ₂ = Σ₁^{1/2} · (Σ₁^{1/2}Σ₂) and M = Σ₁^{1/2}Σ₂Σ₁^{1/2} = (Σ₁^{1/2}Σ₂) · Σ₁^{1/2};
/// the products AB and BA have the same eigenvalues, so Σ₁Σ₂ has the eigenvalues λᵢ ≥ 0 of the positive semi-definite M,
/// and the principal square root of either matrix has eigenvalues √λᵢ; its trace is Σᵢ √λᵢ for both.
/// M is symmetric, so symmetric eigendecompositions (<c>torch.linalg.eigh</c>, <c>eigvalsh</c>) suffice, with real output and no
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
        if (mean1.shape[0] != mean2.shape[0])
        {
            throw new ArgumentException($"the two Gaussians have different dimensions: means {Shapes.Format(mean1)} and {Shapes.Format(mean2)}", nameof(mean2));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var m1 = mean1.to(ScalarType.Float64);
        var m2 = mean2.to(ScalarType.Float64);
        var s1 = Symmetrize(covariance1.to(ScalarType.Float64));
        var s2 = Symmetrize(covariance2.to(ScalarType.Float64));
        var diff = m1 - m2;
        double meanTerm = diff.dot(diff).item<double>();
        double traceTerm = s1.trace().item<double>() + s2.trace().item<double>() - 2 * TraceSqrtProduct(s1, s2);
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
        ArgumentNullException.ThrowIfNull(covariance1);
        ArgumentNullException.ThrowIfNull(covariance2);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var s1 = Symmetrize(covariance1.to(ScalarType.Float64));
        var s2 = Symmetrize(covariance2.to(ScalarType.Float64));
        var root = SqrtmSymmetric(s1);
        var middle = Symmetrize(root.matmul(s2).matmul(root));
        var eigenvalues = linalg.eigvalsh(middle);
        return eigenvalues.clamp_min(0).sqrt().sum().item<double>();
    }

    /// <summary>The symmetric square root Q diag(√max(λ, 0)) Qᵀ of a symmetric positive semi-definite matrix (eigh: A = Q diag(λ) Qᵀ).</summary>
    public static Tensor SqrtmSymmetric(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        using var scope = NewDisposeScope();
        var (values, vectors) = linalg.eigh(a);
        var scaled = vectors * values.clamp_min(0).sqrt().unsqueeze(-2);
        return scaled.matmul(vectors.transpose(-2, -1)).MoveToOuterDisposeScope();
    }

    private static Tensor Symmetrize(Tensor m) => (m + m.transpose(0, 1)) * 0.5;

    private static void CheckShapes(Tensor mean, Tensor covariance, string name)
    {
        if (mean.dim() != 1)
        {
            throw new ArgumentException($"a mean must have shape [D], got {Shapes.Format(mean)}", name);
        }
        long d = mean.shape[0];
        if (covariance.dim() != 2 || covariance.shape[0] != d || covariance.shape[1] != d)
        {
            throw new ArgumentException($"the covariance must have shape [{d}, {d}] to match its mean {Shapes.Format(mean)}, got {Shapes.Format(covariance)}", name);
        }
    }
}
