using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plotting;

/// <summary>Copies tensor elements to .NET arrays for plotting (any dtype and device; the tensor is left as it was).</summary>
internal static class TensorValues
{
    /// <summary>All elements, row-major, as float64.</summary>
    internal static double[] ToDoubles(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = torch.NewDisposeScope();
        return tensor.detach().to(ScalarType.Float64, torch.CPU).contiguous().data<double>().ToArray();
    }

    /// <summary>The two columns of a point cloud <c>[N, 2]</c> as (x, y) arrays.</summary>
    internal static (double[] X, double[] Y) Columns(Tensor points, string what)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.dim() != 2 || points.shape[1] != 2)
        {
            throw new ArgumentException($"{what} must be 2-D points [N, 2], got {Shapes.Format(points)}; reshape it to [-1, 2] or pick two coordinates first", what);
        }
        var flat = ToDoubles(points);
        var x = new double[flat.Length / 2];
        var y = new double[flat.Length / 2];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = flat[2 * i];
            y[i] = flat[(2 * i) + 1];
        }
        return (x, y);
    }
}
