using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>A network that maps a batch of images to feature vectors [N, D] (for FID: the penultimate layer of a classifier).</summary>
public interface IFeatureExtractor
{
    /// <summary>The feature width D.</summary>
    long FeatureDimension { get; }

    /// <summary>The features [N, D] of <paramref name="images"/> (a new tensor the caller owns).</summary>
    Tensor Features(Tensor images);
}
