using static TorchSharp.torch;

namespace Diffusion.Engine;

/// <summary>Shapes as the course's error messages print them: <c>[128, 1, 28, 28]</c>.</summary>
public static class Shapes
{
    /// <summary>Formats a shape, e.g. <c>[2, 3]</c>.</summary>
    public static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Formats the shape of <paramref name="tensor"/>.</summary>
    public static string Format(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return Format(tensor.shape);
    }
}
