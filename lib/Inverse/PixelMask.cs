using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>Inpainting's operator: A x = M ⊙ x with a 0/1 mask M (1 = pixel observed); self-adjoint, Aᵀ y = M ⊙ y.</summary>
/// <remarks>
/// The measurement keeps the image's shape, with zeros where M = 0. M has shape [1 or N, 1 or C, H, W] and broadcasts over the
/// batch and channels. A is an orthogonal projection: AᵀA = A.
/// </remarks>
public sealed class PixelMask : MeasurementOperator
{
    private readonly string _name;

    /// <summary>An operator for the 0/1 mask <paramref name="mask"/> [1 or N, 1 or C, H, W] (kept, not copied).</summary>
    public PixelMask(Tensor mask, string name = "mask")
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.dim() != 4)
        {
            throw new ArgumentException($"expected a mask [1 or N, 1 or C, H, W], got {Shapes.Format(mask)}", nameof(mask));
        }
        Mask = mask;
        _name = name;
    }

    /// <summary>M, 1 where a pixel is observed and 0 where it is missing.</summary>
    public Tensor Mask { get; }

    /// <inheritdoc/>
    public override string Name => _name;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Mask.Dispose();
        }
    }

    /// <summary>A mask that hides the box of <paramref name="boxHeight"/>×<paramref name="boxWidth"/> pixels at (<paramref name="top"/>, <paramref name="left"/>) of an H×W image.</summary>
    public static PixelMask Box(long height, long width, long top, long left, long boxHeight, long boxWidth)
    {
        if (top < 0 || left < 0 || boxHeight <= 0 || boxWidth <= 0 || top + boxHeight > height || left + boxWidth > width)
        {
            throw new ArgumentException($"the box {boxHeight}×{boxWidth} at ({top}, {left}) does not fit in a {height}×{width} image");
        }
        var mask = ones(1, 1, height, width);
        mask[.., .., TensorIndex.Slice(top, top + boxHeight), TensorIndex.Slice(left, left + boxWidth)] = zeros(1);
        return new PixelMask(mask, $"box mask {boxHeight}×{boxWidth}");
    }

    /// <summary>A mask that observes each pixel of an H×W image independently with probability <paramref name="keepFraction"/>.</summary>
    public static PixelMask RandomPixels(long height, long width, double keepFraction, Generator? generator = null)
    {
        if (!(keepFraction > 0 && keepFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(keepFraction), keepFraction, "the fraction of observed pixels must be in (0, 1]");
        }
        using var scope = NewDisposeScope();
        var mask = (rand([1, 1, height, width], generator: generator) < keepFraction).to(ScalarType.Float32);
        return new PixelMask(mask.MoveToOuterDisposeScope(), $"random pixels {keepFraction:P0}");
    }

    /// <inheritdoc/>
    public override long[] MeasurementShape(long[] imageShape) => imageShape.ToArray();

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor x) => x * Broadcast(x);

    /// <inheritdoc/>
    protected override Tensor AdjointCore(Tensor y) => y * Broadcast(y);

    private Tensor Broadcast(Tensor x)
    {
        bool fits = Mask.shape[2] == x.shape[2] && Mask.shape[3] == x.shape[3]
            && (Mask.shape[0] == 1 || Mask.shape[0] == x.shape[0]) && (Mask.shape[1] == 1 || Mask.shape[1] == x.shape[1]);
        if (!fits)
        {
            throw new ArgumentException($"the mask {Shapes.Format(Mask)} does not broadcast to the images {Shapes.Format(x)}", nameof(x));
        }
        return Mask.to(x.dtype, x.device);
    }
}
