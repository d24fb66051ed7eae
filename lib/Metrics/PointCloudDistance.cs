namespace Diffusion.Metrics;

/// <summary>Two-sample distances between point clouds (rows of interleaved coordinates), in float64.</summary>
public static class PointCloudDistance
{
    /// <summary>
    /// The energy distance D² = 2 E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖ (Székely and Rizzo), zero iff the distributions are equal;
    /// the within-set means exclude the zero diagonal (U-statistics).
    /// </summary>
    /// <param name="x">n points of dimension <paramref name="dim"/>, interleaved.</param>
    /// <param name="y">m points of dimension <paramref name="dim"/>, interleaved.</param>
    /// <param name="dim">The dimension of each point.</param>
    public static double Energy(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int dim = 2)
    {
        Check(x, y, dim);
        return 2 * MeanDistance(x, y, dim, same: false) - MeanDistance(x, x, dim, same: true) - MeanDistance(y, y, dim, same: true);
    }

    /// <summary>
    /// The squared maximum mean discrepancy with a Gaussian kernel k(a, b) = exp(−‖a − b‖²/(2ℓ²)):
    /// MMD² = E k(X, X′) + E k(Y, Y′) − 2 E k(X, Y) (unbiased within-set terms).
    /// </summary>
    public static double Mmd(ReadOnlySpan<float> x, ReadOnlySpan<float> y, double bandwidth, int dim = 2)
    {
        Check(x, y, dim);
        if (!(bandwidth > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(bandwidth), bandwidth, "the kernel bandwidth must be positive");
        }
        double g = 1 / (2 * bandwidth * bandwidth);
        return MeanKernel(x, x, dim, g, same: true) + MeanKernel(y, y, dim, g, same: true) - 2 * MeanKernel(x, y, dim, g, same: false);
    }

    private static double MeanDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int dim, bool same)
    {
        int n = a.Length / dim, m = b.Length / dim;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = same ? i + 1 : 0; j < m; j++)
            {
                sum += Math.Sqrt(SquaredDistance(a, i, b, j, dim));
            }
        }
        return same ? 2 * sum / ((double)n * (n - 1)) : sum / ((double)n * m);
    }

    private static double MeanKernel(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int dim, double g, bool same)
    {
        int n = a.Length / dim, m = b.Length / dim;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = same ? i + 1 : 0; j < m; j++)
            {
                sum += Math.Exp(-g * SquaredDistance(a, i, b, j, dim));
            }
        }
        return same ? 2 * sum / ((double)n * (n - 1)) : sum / ((double)n * m);
    }

    private static double SquaredDistance(ReadOnlySpan<float> a, int i, ReadOnlySpan<float> b, int j, int dim)
    {
        double d2 = 0;
        for (int k = 0; k < dim; k++)
        {
            double d = (double)a[i * dim + k] - b[j * dim + k];
            d2 += d * d;
        }
        return d2;
    }

    private static void Check(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int dim)
    {
        if (dim < 1 || x.Length % dim != 0 || y.Length % dim != 0)
        {
            throw new ArgumentException($"point clouds of dimension {dim} need lengths divisible by {dim}; got {x.Length} and {y.Length}");
        }
        if (x.Length < 2 * dim || y.Length < 2 * dim)
        {
            throw new ArgumentException("each point cloud needs at least two points");
        }
    }
}
