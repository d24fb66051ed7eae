using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// The spread of a data set, for choosing a VE SDE's σ_max: Song and Ermon (2020, "Improved Techniques for Training
/// Score-Based Generative Models", technique 1) take σ_max as large as the largest Euclidean distance between two training
/// points, max_{i,j} ‖x_i − x_j‖₂, so that the prior N(0, σ_max² I) covers the whole data set.
/// </summary>
public static class DataSpread
{
    /// <summary>
    /// max_{i &lt; j} ‖x_i − x_j‖₂ over the rows of <paramref name="data"/> [N, …] (each row flattened), computed in blocks of
    /// <paramref name="block"/> rows as ‖a‖² + ‖b‖² − 2 a·b (clamped at 0) in float64: O(N² D) work and O(block · N) memory.
    /// </summary>
    /// <param name="data">At least two rows.</param>
    /// <param name="block">Rows per block (memory: block · N doubles).</param>
    public static double MaxPairwiseDistance(Tensor data, int block = 1024)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(block, 1);
        if (data.dim() < 1 || data.shape[0] < 2)
        {
            throw new ArgumentException($"need at least two rows [N ≥ 2, …], got shape {Shapes.Format(data)}", nameof(data));
        }
        using var scope = torch.NewDisposeScope();
        long n = data.shape[0];
        var x = data.reshape(n, -1).to(ScalarType.Float64, torch.CPU);
        var squares = x.square().sum(1);
        double best = 0;
        for (long start = 0; start < n; start += block)
        {
            using var step = torch.NewDisposeScope();
            long rows = Math.Min(block, n - start);
            var a = x.narrow(0, start, rows);
            var d2 = squares.narrow(0, start, rows).unsqueeze(1) + squares.unsqueeze(0) - a.matmul(x.t()) * 2;
            best = Math.Max(best, d2.max().item<double>());
        }
        return Math.Sqrt(Math.Max(best, 0));
    }
}
