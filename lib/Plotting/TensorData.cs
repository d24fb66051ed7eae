using Diffusion.Tensors;

namespace Diffusion.Plotting;

/// <summary>Copies tensor elements to .NET arrays for plotting.</summary>
internal static class TensorData
{
    /// <summary>All elements, row-major, as float64 on the CPU.</summary>
    internal static double[] ToDoubles(Tensor tensor)
    {
        if (tensor.DType == DType.Float64 && tensor.Device.Type == DeviceType.Cpu)
        {
            return tensor.ToArray<double>();
        }
        using var copy = tensor.To(DType.Float64, Device.Cpu);
        return copy.ToArray<double>();
    }

    /// <summary>A 2-D tensor as rows (<c>z[row][col]</c>).</summary>
    internal static double[][] ToRows(Tensor tensor)
    {
        var shape = tensor.Shape;
        if (shape.Length != 2)
        {
            throw new ArgumentException($"expected a 2-D tensor [rows, cols] but got shape {Tensor.FormatShape(shape)}; squeeze or index it first", nameof(tensor));
        }
        var flat = ToDoubles(tensor);
        int rows = (int)shape[0], cols = (int)shape[1];
        var z = new double[rows][];
        for (int r = 0; r < rows; r++)
        {
            z[r] = flat.AsSpan(r * cols, cols).ToArray();
        }
        return z;
    }
}
