using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>
/// A perceptual column for image-restoration tables: the Euclidean distance d(x, x̂) = ‖φ(x) − φ(x̂)‖₂ between the features φ of a
/// <see cref="FeatureNetwork"/> (the project's MNIST classifier's penultimate layer, the same features FID uses), per image.
/// </summary>
/// <remarks>
/// Not LPIPS: LPIPS (Zhang et al. 2018) needs pretrained AlexNet/VGG weights and its learned linear heads, which are not reachable
/// here. This distance is unnormalised and unsquared (in feature units), 0 for identical images, symmetric, and only as meaningful
/// as the classifier's features are for the images (MNIST-like 28×28 digits).
/// </remarks>
public static class FeatureDistance
{
    /// <summary>‖φ(x_n) − φ(x̂_n)‖₂ for each image pair: [N] float64.</summary>
    /// <param name="network">φ, e.g. <c>FeatureNetwork.Load("data/checkpoints/mnist-fid-classifier.safetensors")</c>.</param>
    /// <param name="x">Images [N, 1, 28, 28] in <paramref name="range"/>.</param>
    /// <param name="reconstruction">x̂ of the same shape.</param>
    /// <param name="range">The images' range (converted to the network's).</param>
    public static Tensor PerImage(FeatureNetwork network, Tensor x, Tensor reconstruction, ImageRange range = ImageRange.MinusOneToOne)
    {
        ArgumentNullException.ThrowIfNull(network);
        Psnr.CheckImagePair(reconstruction, x, nameof(x));
        using var scope = NewDisposeScope();
        var difference = network.Features(x, range).to(ScalarType.Float64) - network.Features(reconstruction, range).to(ScalarType.Float64);
        return difference.square().sum(1).sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>The batch mean of <see cref="PerImage"/>.</summary>
    public static double Mean(FeatureNetwork network, Tensor x, Tensor reconstruction, ImageRange range = ImageRange.MinusOneToOne)
    {
        using var scope = NewDisposeScope();
        return PerImage(network, x, reconstruction, range).mean().item<double>();
    }
}
