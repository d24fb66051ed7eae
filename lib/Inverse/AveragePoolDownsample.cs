namespace Diffusion.Inverse;

/// <summary>
/// Super-resolution's operator: A x = the mean over each f×f block (average pooling with stride f), [N, C, H, W] →
/// [N, C, H/f, W/f]; Aᵀ y spreads each value y_ij / f² over its block (nearest up-sampling divided by f²).
/// </summary>
/// <remarks>The 1-D pooling matrix has D_{i, j} = 1/f for j in f·i..f·i + f − 1; A x = D x Dᵀ, Aᵀ y = Dᵀ y D.</remarks>
public sealed class AveragePoolDownsample : SeparableOperator
{
    /// <summary>Down-sampling of <paramref name="height"/>×<paramref name="width"/> images by <paramref name="factor"/> (which must divide both).</summary>
    public AveragePoolDownsample(long height, long width, int factor)
        : base(Matrix(height, factor), Matrix(width, factor))
    {
        Factor = factor;
    }

    /// <summary>f.</summary>
    public int Factor { get; }

    /// <inheritdoc/>
    public override string Name => $"average-pool down-sampling ×{Factor}";

    /// <summary>D [n/f, n].</summary>
    public static double[,] Matrix(long n, int factor)
    {
        if (factor < 1 || n % factor != 0)
        {
            throw new ArgumentException($"the factor {factor} must be positive and divide the image side {n}", nameof(factor));
        }
        var m = new double[n / factor, n];
        for (long i = 0; i < n / factor; i++)
        {
            for (long j = factor * i; j < factor * (i + 1); j++)
            {
                m[i, j] = 1.0 / factor;
            }
        }
        return m;
    }
}
