using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>
/// The mean μ [D] and covariance Σ [D, D] of a set of feature vectors, in float64: the Gaussian that FID fits
/// to a set of images' features. Owns its two tensors; dispose it.
/// </summary>
/// <remarks>
/// μ = (1/N) Σₙ fₙ and Σ = (1/(N − 1)) Σₙ (fₙ − μ)(fₙ − μ)ᵀ (the unbiased covariance, as <c>numpy.cov(rowvar=False)</c>
/// in pytorch-fid). The features are converted to float64 before the sums.
/// </remarks>
public sealed class GaussianStatistics : IDisposable
{
    /// <summary>Wraps a mean and a covariance (both converted to float64 copies; the arguments stay the caller's).</summary>
    /// <param name="mean">μ, shape [D].</param>
    /// <param name="covariance">Σ, shape [D, D], symmetric positive semi-definite.</param>
    /// <param name="count">The number of feature vectors the statistics were computed from (0 when unknown).</param>
    public GaussianStatistics(Tensor mean, Tensor covariance, long count = 0)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        if (mean.dim() != 1)
        {
            throw new ArgumentException($"the mean must have shape [D], got {Shapes.Format(mean)}", nameof(mean));
        }
        long d = mean.shape[0];
        if (covariance.dim() != 2 || covariance.shape[0] != d || covariance.shape[1] != d)
        {
            throw new ArgumentException($"the covariance must have shape [{d}, {d}] to match the mean {Shapes.Format(mean)}, got {Shapes.Format(covariance)}", nameof(covariance));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        using (no_grad())
        {
            // Owned by this object, not by any scope the caller has open.
            Mean = OwnedFloat64(mean);
            Covariance = OwnedFloat64(covariance);
        }
        Count = count;
    }

    /// <summary>The mean μ, float64 [D].</summary>
    public Tensor Mean { get; }

    /// <summary>The covariance Σ, float64 [D, D].</summary>
    public Tensor Covariance { get; }

    /// <summary>The feature dimension D.</summary>
    public long Dimension => Mean.shape[0];

    /// <summary>The number of feature vectors behind the statistics (0 when built from given moments).</summary>
    public long Count { get; }

    /// <summary>The mean and unbiased covariance of <paramref name="features"/> [N, D] (N ≥ 2), in float64.</summary>
    public static GaussianStatistics FromFeatures(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2)
        {
            throw new ArgumentException($"features must have shape [N, D], got {Shapes.Format(features)}", nameof(features));
        }
        long n = features.shape[0];
        if (n < 2)
        {
            throw new ArgumentException($"the covariance needs at least 2 feature vectors, got {Shapes.Format(features)}", nameof(features));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var f = features.to(ScalarType.Float64);
        var mean = f.mean([0]);
        var centred = f - mean.unsqueeze(0);
        var covariance = centred.transpose(0, 1).matmul(centred) / (n - 1);
        // Exact symmetry (the product is symmetric up to rounding); the square roots assume it.
        var symmetric = (covariance + covariance.transpose(0, 1)) * 0.5;
        return new GaussianStatistics(mean, symmetric, n);
    }

    private static Tensor OwnedFloat64(Tensor t)
    {
        using var converted = t.to(ScalarType.Float64, copy: true);
        return converted.contiguous().DetachFromDisposeScope();
    }

    /// <summary>Frees the two tensors.</summary>
    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
    }
}
