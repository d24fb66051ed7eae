using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Data;

/// <summary>
/// One batch from a <see cref="DataLoader"/>: images float32 [B, C, H, W] and labels int64 [B] (null when the data set
/// has none). The tensors are registered in the dispose scope that was current when the batch was made (or owned by the caller
/// when there was none): dispose the batch, or let that scope free them.
/// </summary>
public sealed class Batch : IDisposable
{
    internal Batch(Tensor images, Tensor? labels, int epoch, int index)
    {
        Images = images;
        Labels = labels;
        Epoch = epoch;
        Index = index;
    }

    /// <summary>The images, float32 [B, C, H, W].</summary>
    public Tensor Images { get; }

    /// <summary>The labels, int64 [B], or null.</summary>
    public Tensor? Labels { get; }

    /// <summary>The epoch this batch belongs to (0-based).</summary>
    public int Epoch { get; }

    /// <summary>The batch's position within its epoch (0-based).</summary>
    public int Index { get; }

    /// <summary>B, images in the batch.</summary>
    public int Size => (int)Images.shape[0];

    /// <summary>Frees the images and labels.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels?.Dispose();
    }
}
