namespace Diffusion.Tensors;

/// <summary>
/// A (height, width) pair for 2-D ops (kernel size, stride, padding, dilation, output size), as PyTorch's
/// <c>_size_2_t</c>: an <c>int</c> converts to a square pair, a tuple to (height, width):
/// <c>Functional.Conv2d(x, w, b, stride: 2, padding: (1, 0))</c>.
/// </summary>
public readonly record struct Size2(long Height, long Width)
{
    /// <summary>The same value for height and width.</summary>
    public static implicit operator Size2(long both) => new(both, both);

    /// <summary>(height, width).</summary>
    public static implicit operator Size2((long Height, long Width) pair) => new(pair.Height, pair.Width);

    /// <summary>The pair as a two-element array, the layout the shim takes.</summary>
    internal long[] ToArray() => [Height, Width];

    /// <summary><c>(h, w)</c>.</summary>
    public override string ToString() => $"({Height}, {Width})";
}

/// <summary>How a loss combines its per-element values (PyTorch's <c>reduction=</c>).</summary>
public enum Reduction
{
    /// <summary>The mean over elements (for weighted cross-entropy: the weighted mean).</summary>
    Mean,

    /// <summary>The sum over elements.</summary>
    Sum,

    /// <summary>No reduction: one loss value per element (or per sample).</summary>
    None,
}

/// <summary>The resampling kernel of <see cref="Functional.Interpolate"/>.</summary>
public enum InterpolationMode
{
    /// <summary>Nearest neighbour (PyTorch's <c>mode='nearest'</c>: source index floor(dst * in / out)).</summary>
    Nearest,

    /// <summary>Bilinear over height and width.</summary>
    Bilinear,

    /// <summary>Bicubic (Keys' cubic convolution, a = -0.75, as PyTorch).</summary>
    Bicubic,
}
