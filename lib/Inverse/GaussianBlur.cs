namespace Diffusion.Inverse;

/// <summary>
/// Deblurring's operator: A x = k ∗ x, the normalised Gaussian kernel k(i, j) = g_i g_j, g_i ∝ exp(−i² / 2σ²), i = −r..r,
/// of size 2r + 1, with the image extended beyond its border by <see cref="Padding"/>; the output has the image's size.
/// </summary>
/// <remarks>
/// Row pass: (R x)_i = Σ_{k=−r..r} g_k x_{pad(i + k)}, pad the boundary rule (an index outside 0..H−1 contributes nothing
/// for zero padding, is mirrored for reflect, wraps for circular); the column pass is the same. Aᵀ = the transposed
/// matrices (see <see cref="SeparableOperator"/>): for zero padding that is the flipped-kernel convolution (the same kernel,
/// as g is symmetric); for reflect padding it is not a convolution near the border, and it equals the autograd
/// vector-Jacobian product of PyTorch's <c>conv2d(F.pad(x, mode="reflect"), k)</c>.
/// </remarks>
public sealed class GaussianBlur : SeparableOperator
{
    /// <summary>A blur of <paramref name="height"/>×<paramref name="width"/> images with an odd <paramref name="kernelSize"/> and <paramref name="sigma"/> (pixels).</summary>
    public GaussianBlur(long height, long width, int kernelSize, double sigma, BlurPadding padding)
        : base(Matrix(height, Kernel(kernelSize, sigma), padding), Matrix(width, Kernel(kernelSize, sigma), padding))
    {
        KernelSize = kernelSize;
        Sigma = sigma;
        Padding = padding;
    }

    /// <summary>The kernel's side 2r + 1.</summary>
    public int KernelSize { get; }

    /// <summary>The kernel's σ in pixels.</summary>
    public double Sigma { get; }

    /// <summary>The boundary rule.</summary>
    public BlurPadding Padding { get; }

    /// <inheritdoc/>
    public override string Name => $"Gaussian blur {KernelSize}×{KernelSize}, σ {Sigma}, {Padding.ToString().ToLowerInvariant()} padding";

    /// <summary>g, the normalised 1-D kernel of <paramref name="kernelSize"/> taps.</summary>
    public static double[] Kernel(int kernelSize, double sigma)
    {
        if (kernelSize < 1 || kernelSize % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "the kernel size must be odd and positive");
        }
        if (!(sigma > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be positive");
        }
        int r = kernelSize / 2;
        var g = Enumerable.Range(-r, kernelSize).Select(i => Math.Exp(-i * (double)i / (2 * sigma * sigma))).ToArray();
        double sum = g.Sum();
        return g.Select(v => v / sum).ToArray();
    }

    /// <summary>The n×n matrix of the 1-D blur with boundary rule <paramref name="padding"/>.</summary>
    public static double[,] Matrix(long n, double[] g, BlurPadding padding)
    {
        int r = g.Length / 2;
        if (padding == BlurPadding.Reflect && r >= n)
        {
            throw new ArgumentException($"reflect padding needs the kernel radius {r} to be smaller than the image side {n}");
        }
        var m = new double[n, n];
        for (long i = 0; i < n; i++)
        {
            for (int k = -r; k <= r; k++)
            {
                long j = i + k;
                if (j < 0 || j >= n)
                {
                    switch (padding)
                    {
                        case BlurPadding.Zero:
                            continue;
                        case BlurPadding.Reflect:
                            j = j < 0 ? -j : 2 * (n - 1) - j;
                            break;
                        default:
                            j = ((j % n) + n) % n;
                            break;
                    }
                }
                m[i, j] += g[k + r];
            }
        }
        return m;
    }
}
