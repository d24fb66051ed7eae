using static TorchSharp.torch;

namespace Diffusion.Data;

/// <summary>
/// Images a <see cref="DataLoader"/> can draw batches from: held in memory (<see cref="ImageDataset"/>) or decoded batch by batch
/// from files (<see cref="ImageFolderStream"/>, for folders too large for memory).
/// </summary>
public interface IImageSource
{
    /// <summary>A short description.</summary>
    string Name { get; }

    /// <summary>The number of images.</summary>
    int Count { get; }

    /// <summary>
    /// The images at <paramref name="indices"/>, float32 [B, C, H, W] in [0, 1], with their int64 labels [B] (null when the source
    /// has none), both new tensors on <paramref name="device"/> (null: where the source keeps them), registered in the current
    /// dispose scope.
    /// </summary>
    (Tensor Images, Tensor? Labels) Gather(long[] indices, Device? device);
}
