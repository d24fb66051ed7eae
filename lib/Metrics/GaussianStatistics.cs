using Diffusion.Tensors;

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
        if (mean.Dim != 1)
        {
            throw new ArgumentException($"the mean must have shape [D], got {Tensor.FormatShape(mean.Shape)}", nameof(mean));
        }
        long d = mean.Size(0);
        if (covariance.Dim != 2 || covariance.Size(0) != d || covariance.Size(1) != d)
        {
            throw new ArgumentException($"the covariance must have shape [{d}, {d}] to match the mean, got {Tensor.FormatShape(covariance.Shape)}", nameof(covariance));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        // Owned by this object, not by any scope the caller has open.
        using (TensorScope.Outside())
        using (Torch.NoGrad())
        {
            Mean = ContiguousFloat64(mean);
            Covariance = ContiguousFloat64(covariance);
        }
        Count = count;
    }

    /// <summary>The mean μ, float64 [D].</summary>
    public Tensor Mean { get; }

    /// <summary>The covariance Σ, float64 [D, D].</summary>
    public Tensor Covariance { get; }

    /// <summary>The feature dimension D.</summary>
    public long Dimension => Mean.Size(0);

    /// <summary>The number of feature vectors behind the statistics (0 when built from given moments).</summary>
    public long Count { get; }

    /// <summary>The mean and unbiased covariance of <paramref name="features"/> [N, D] (N ≥ 2), in float64.</summary>
    public static GaussianStatistics FromFeatures(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Dim != 2)
        {
            throw new ArgumentException($"features must have shape [N, D], got {Tensor.FormatShape(features.Shape)}", nameof(features));
        }
        long n = features.Size(0);
        if (n < 2)
        {
            throw new ArgumentException($"the covariance needs at least 2 feature vectors, got {n}", nameof(features));
        }
        using var scope = new TensorScope();
        using var noGrad = Torch.NoGrad();
        var f = features.To(DType.Float64);
        var mean = f.Mean(0);
        var centred = f - mean.Unsqueeze(0);
        var covariance = centred.Transpose(0, 1).MatMul(centred) / (n - 1);
        // Exact symmetry (the product is symmetric up to rounding); the square roots assume it.
        var symmetric = (covariance + covariance.Transpose(0, 1)) * 0.5;
        return new GaussianStatistics(mean, symmetric, n);
    }

    private static Tensor ContiguousFloat64(Tensor t)
    {
        using var converted = t.To(DType.Float64);
        return converted.Contiguous();
    }

    /// <summary>Frees the two tensors.</summary>
    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
    }
}
