using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>Peak signal-to-noise ratio of images in [0, <c>dataRange</c>], per image and averaged over a batch, in float64.</summary>
/// <remarks>
/// PSNR(x, y) = 10 log₁₀(R² / MSE(x, y)), MSE(x, y) = (1 / CHW) Σ_{c,h,w} (x − y)², R the data range (1 for [0, 1] images).
/// Computed per image of an [N, C, H, W] batch; the batch value is the mean of the per-image PSNRs (not the PSNR of the
/// pooled MSE), as image-restoration tables report it. Identical images give +∞.
/// </remarks>
public static class Psnr
{
    /// <summary>PSNR of each image of <paramref name="x"/> against <paramref name="reference"/>, both [N, C, H, W].</summary>
    /// <param name="x">Reconstructions [N, C, H, W].</param>
    /// <param name="reference">Ground truth of the same shape.</param>
    /// <param name="dataRange">R, the peak value (1 for [0, 1] images).</param>
    /// <returns>[N] float64 in dB, in the caller's dispose scope.</returns>
    public static Tensor PerImage(Tensor x, Tensor reference, double dataRange = 1.0)
    {
        CheckImagePair(x, reference, nameof(reference));
        if (!(dataRange > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(dataRange), dataRange, "the data range must be positive");
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var diff = x.to(ScalarType.Float64) - reference.to(ScalarType.Float64);
        var mse = diff.square().flatten(1).mean([1]);
        var psnr = 10.0 * (dataRange * dataRange / mse).log10();
        return psnr.MoveToOuterDisposeScope();
    }

    /// <summary>The mean over the batch of <see cref="PerImage"/>.</summary>
    public static double Mean(Tensor x, Tensor reference, double dataRange = 1.0)
    {
        using var scope = NewDisposeScope();
        return PerImage(x, reference, dataRange).mean().item<double>();
    }

    /// <summary>Throws unless <paramref name="x"/> and <paramref name="reference"/> are floating [N, C, H, W] batches of one shape (shared with <see cref="Ssim"/>).</summary>
    internal static void CheckImagePair(Tensor x, Tensor reference, string referenceName)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(reference);
        if (x.dim() != 4)
        {
            throw new ArgumentException($"expected images [N, C, H, W], got {Shapes.Format(x)}", nameof(x));
        }
        if (!x.shape.SequenceEqual(reference.shape))
        {
            throw new ArgumentException($"the images {Shapes.Format(x)} and the reference {Shapes.Format(reference)} differ in shape", referenceName);
        }
        if (!x.is_floating_point() || !reference.is_floating_point())
        {
            throw new ArgumentException($"expected floating-point images, got {x.dtype} and {reference.dtype}", nameof(x));
        }
    }
}
