using Diffusion.Tensors;

namespace Diffusion.Ddpm;

/// <summary>The k nearest rows of a data set for each query; the caller owns both tensors.</summary>
/// <param name="Indices">Row numbers in the data set, [Q, k] int64, nearest first.</param>
/// <param name="Distances">Euclidean distances, [Q, k] float64, ascending.</param>
public sealed record NeighbourResult(Tensor Indices, Tensor Distances) : IDisposable
{
    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Indices.Dispose();
        Distances.Dispose();
    }
}

/// <summary>
/// Nearest training images of generated samples by L2 distance in pixel space (the memorisation check of DDPM papers), computed
/// in chunks of the data set with one matrix product each: ‖q − x‖² = ‖q‖² − 2 q·x + ‖x‖², in float64.
/// </summary>
public static class NearestNeighbours
{
    /// <summary>
    /// For each query row of <paramref name="queries"/> [Q, …], the <paramref name="k"/> nearest rows of <paramref name="data"/>
    /// [N, …] (same trailing shape), reading the data <paramref name="chunkSize"/> rows at a time.
    /// </summary>
    public static NeighbourResult Find(Tensor queries, Tensor data, int k = 1, int chunkSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        long n = data.Size(0);
        if (k < 1 || k > n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in 1 … {n} (the data set size)");
        }
        if (!queries.Shape.AsSpan(1).SequenceEqual(data.Shape.AsSpan(1)))
        {
            throw new ArgumentException($"queries {Tensor.FormatShape(queries.Shape)} and data {Tensor.FormatShape(data.Shape)} must have the same shape after the first dimension");
        }

        using var noGrad = Torch.NoGrad();
        using var scope = new TensorScope();
        var q = queries.Flatten(1).To(DType.Float64, data.Device);
        var qNorm = q.Square().Sum(1, keepDim: true);                      // [Q, 1]
        Tensor? bestDist = null, bestIndex = null;
        for (long start = 0; start < n; start += chunkSize)
        {
            long length = Math.Min(chunkSize, n - start);
            var x = data.Narrow(0, start, length).Flatten(1).To(DType.Float64);
            var xNorm = x.Square().Sum(1).Unsqueeze(0);                       // [1, L]
            var d2 = qNorm - q.MatMul(x.Transpose(0, 1)) * 2 + xNorm;         // [Q, L]
            var index = Torch.Arange(start, start + length, device: data.Device).Unsqueeze(0).Expand(d2.Size(0), length);
            var allDist = bestDist is null ? d2 : Torch.Cat([bestDist, d2], 1);
            var allIndex = bestIndex is null ? index : Torch.Cat([bestIndex, index], 1);
            var (values, positions) = allDist.TopK(Math.Min(k, allDist.Size(1)), 1, largest: false);
            bestDist = values;
            bestIndex = allIndex.Gather(1, positions);
        }
        var distances = bestDist!.ClampMin(0).Sqrt();
        return new NeighbourResult(scope.Keep(bestIndex!), scope.Keep(distances));
    }
}
