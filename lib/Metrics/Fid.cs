using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>
/// Fréchet Inception Distance (Heusel et al. 2017) with a project feature network instead of Inception: the
/// <see cref="FrechetDistance"/> between Gaussians fitted to the features of real and of generated images.
/// </summary>
/// <remarks>
/// FID = ‖μ_r − μ_g‖² + Tr(Σ_r + Σ_g − 2 (Σ_r^{1/2} Σ_g Σ_r^{1/2})^{1/2}), in float64. FID is biased upwards for small
/// sample sizes, so compare numbers only at equal sample counts, and read them against the real-vs-real
/// <see cref="Floor(Tensor, int, ulong)"/> at that count: two disjoint real sets never score 0.
/// </remarks>
public static class Fid
{
    /// <summary>FID between two sets of features, [N_r, D] and [N_g, D].</summary>
    public static double Compute(Tensor featuresReal, Tensor featuresGenerated)
    {
        ArgumentNullException.ThrowIfNull(featuresReal);
        ArgumentNullException.ThrowIfNull(featuresGenerated);
        if (featuresReal.dim() != 2 || featuresGenerated.dim() != 2 || featuresReal.shape[1] != featuresGenerated.shape[1])
        {
            throw new ArgumentException($"FID needs two feature sets [N, D] of the same width D, got {Shapes.Format(featuresReal)} and {Shapes.Format(featuresGenerated)}");
        }
        using var real = GaussianStatistics.FromFeatures(featuresReal);
        using var generated = GaussianStatistics.FromFeatures(featuresGenerated);
        return FromStatistics(real, generated);
    }

    /// <summary>FID between two sets of images [N, 1, 28, 28] whose pixels are in <paramref name="range"/>, through <paramref name="network"/>.</summary>
    public static double Compute(FeatureNetwork network, Tensor imagesReal, Tensor imagesGenerated, ImageRange range = ImageRange.MinusOneToOne)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var real = network.Features(imagesReal, range);
        using var generated = network.Features(imagesGenerated, range);
        return Compute(real, generated);
    }

    /// <summary>FID from precomputed statistics (e.g. the real set's, computed once).</summary>
    public static double FromStatistics(GaussianStatistics real, GaussianStatistics generated) => FrechetDistance.Compute(real, generated);

    /// <summary>FID from precomputed means and covariances.</summary>
    public static double FromStatistics(Tensor meanReal, Tensor covarianceReal, Tensor meanGenerated, Tensor covarianceGenerated) =>
        FrechetDistance.Compute(meanReal, covarianceReal, meanGenerated, covarianceGenerated);

    /// <summary>
    /// The real-vs-real floor: FID between two disjoint sets of <paramref name="n"/> rows of <paramref name="realFeatures"/> [N, D]
    /// (N ≥ 2n), drawn by a seeded permutation. It is what a perfect generator would score with n samples.
    /// </summary>
    public static double Floor(Tensor realFeatures, int n, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(realFeatures);
        if (realFeatures.dim() != 2)
        {
            throw new ArgumentException($"features must have shape [N, D], got {Shapes.Format(realFeatures)}", nameof(realFeatures));
        }
        if (n < 2 || 2L * n > realFeatures.shape[0])
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"the floor needs two disjoint sets of n ≥ 2 rows from {realFeatures.shape[0]}, so n ≤ {realFeatures.shape[0] / 2}");
        }
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var order = randperm(realFeatures.shape[0], generator: generator).to(realFeatures.device);
        var first = realFeatures.index_select(0, order.narrow(0, 0, n));
        var second = realFeatures.index_select(0, order.narrow(0, n, n));
        return Compute(first, second);
    }

    /// <summary>The real-vs-real floor on images [N, 1, 28, 28] (pixels in <paramref name="range"/>), through <paramref name="network"/>.</summary>
    public static double Floor(FeatureNetwork network, Tensor realImages, int n, ulong seed, ImageRange range = ImageRange.MinusOneToOne)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var features = network.Features(realImages, range);
        return Floor(features, n, seed);
    }
}
