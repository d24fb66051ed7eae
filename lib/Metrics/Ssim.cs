using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>
/// Structural similarity (Wang, Bovik, Sheikh and Simoncelli 2004) with an 11×11 Gaussian window (σ = 1.5), K₁ = 0.01,
/// K₂ = 0.03, per image and averaged over a batch, in float64.
/// </summary>
/// <remarks>
/// With local statistics under the normalised Gaussian window w: μ_x = w ∗ x, σ_x² = w ∗ x² − μ_x², σ_xy = w ∗ (xy) − μ_x μ_y,
/// <code>SSIM(x, y) = mean over positions of (2 μ_x μ_y + C₁)(2 σ_xy + C₂) / ((μ_x² + μ_y² + C₁)(σ_x² + σ_y² + C₂)),</code>
/// C₁ = (K₁ R)², C₂ = (K₂ R)², R the data range (1 for [0, 1] images).
/// <para>
/// Convention: the window is applied only where it lies wholly inside the image ("valid" positions, an (H − 10) × (W − 10)
/// map), the variances are the window-weighted population ones (no N/(N − 1) factor), and a multi-channel image's value is
/// the mean of its channels' values. That is <c>skimage.metrics.structural_similarity(x, y, data_range=R,
/// gaussian_weights=True, sigma=1.5, use_sample_covariance=False)</c> (with <c>channel_axis</c> for colour): skimage filters with
/// reflected borders and then crops (win_size − 1)/2 = 5 pixels from each side, which leaves exactly the valid positions.
/// It is also the convention of Wang et al.'s MATLAB code without its down-sampling step. The test fixtures come from an
/// independent numpy evaluation of these formulas (tests/fixtures/make_ssim.py).
/// </para>
/// </remarks>
public static class Ssim
{
    /// <summary>The window's side, 11 pixels.</summary>
    public const int WindowSize = 11;

    /// <summary>The Gaussian window's standard deviation, 1.5 pixels.</summary>
    public const double WindowSigma = 1.5;

    /// <summary>K₁ in C₁ = (K₁ R)².</summary>
    public const double K1 = 0.01;

    /// <summary>K₂ in C₂ = (K₂ R)².</summary>
    public const double K2 = 0.03;

    /// <summary>SSIM of each image of <paramref name="x"/> against <paramref name="reference"/>, both [N, C, H, W] with H, W ≥ 11.</summary>
    /// <param name="x">Reconstructions [N, C, H, W].</param>
    /// <param name="reference">Ground truth of the same shape.</param>
    /// <param name="dataRange">R, the peak value (1 for [0, 1] images).</param>
    /// <returns>[N] float64 (1 for identical images), in the caller's dispose scope.</returns>
    public static Tensor PerImage(Tensor x, Tensor reference, double dataRange = 1.0)
    {
        using var scope = NewDisposeScope();
        var map = Map(x, reference, dataRange);
        return map.flatten(1).mean([1]).MoveToOuterDisposeScope();
    }

    /// <summary>The mean over the batch of <see cref="PerImage"/>.</summary>
    public static double Mean(Tensor x, Tensor reference, double dataRange = 1.0)
    {
        using var scope = NewDisposeScope();
        return PerImage(x, reference, dataRange).mean().item<double>();
    }

    /// <summary>The SSIM map [N, C, H − 10, W − 10] (float64) at the window's valid positions.</summary>
    public static Tensor Map(Tensor x, Tensor reference, double dataRange = 1.0)
    {
        Psnr.CheckImagePair(x, reference, nameof(reference));
        if (x.shape[2] < WindowSize || x.shape[3] < WindowSize)
        {
            throw new ArgumentException($"SSIM's {WindowSize}×{WindowSize} window needs images at least that large, got {Shapes.Format(x)}", nameof(x));
        }
        if (!(dataRange > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(dataRange), dataRange, "the data range must be positive");
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var a = x.to(ScalarType.Float64).reshape(n * c, 1, h, w);
        var b = reference.to(ScalarType.Float64).reshape(n * c, 1, h, w);
        var window = GaussianWindow1d();
        double c1 = Math.Pow(K1 * dataRange, 2);
        double c2 = Math.Pow(K2 * dataRange, 2);
        var muA = Filter(a, window);
        var muB = Filter(b, window);
        var varA = Filter(a * a, window) - muA * muA;
        var varB = Filter(b * b, window) - muB * muB;
        var covAB = Filter(a * b, window) - muA * muB;
        var map = (2 * muA * muB + c1) * (2 * covAB + c2) / ((muA * muA + muB * muB + c1) * (varA + varB + c2));
        return map.reshape(n, c, h - WindowSize + 1, w - WindowSize + 1).MoveToOuterDisposeScope();
    }

    /// <summary>g_k ∝ exp(−k² / (2σ²)), k = −5..5, normalised to sum 1 (float64 [11]); the 2-D window is g gᵀ.</summary>
    public static Tensor GaussianWindow1d()
    {
        int radius = WindowSize / 2;
        var g = new double[WindowSize];
        for (int k = -radius; k <= radius; k++)
        {
            g[k + radius] = Math.Exp(-k * k / (2 * WindowSigma * WindowSigma));
        }
        double sum = g.Sum();
        return tensor(g.Select(v => v / sum).ToArray());
    }

    /// <summary>The separable window applied at valid positions: [B, 1, H, W] → [B, 1, H − 10, W − 10] (float64, where oneDNN is right).</summary>
    private static Tensor Filter(Tensor images, Tensor window)
    {
        var rows = nn.functional.conv2d(images, window.reshape(1, 1, WindowSize, 1));
        return nn.functional.conv2d(rows, window.reshape(1, 1, 1, WindowSize));
    }
}
