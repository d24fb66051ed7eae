using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>The k nearest rows of a data set for each query; both tensors are registered in the caller's dispose scope (or owned by the caller: dispose the result).</summary>
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
        if (queries.dim() < 1 || data.dim() < 1)
        {
            throw new ArgumentException($"queries {Shapes.Format(queries)} and data {Shapes.Format(data)} must be batches of rows [N, …]");
        }
        long n = data.shape[0];
        if (k < 1 || k > n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in 1 … {n} (the data set size)");
        }
        if (!queries.shape.AsSpan(1).SequenceEqual(data.shape.AsSpan(1)))
        {
            throw new ArgumentException($"queries {Shapes.Format(queries)} and data {Shapes.Format(data)} must have the same shape after the first dimension");
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var q = queries.flatten(1).to(ScalarType.Float64, data.device);
        var qNorm = q.square().sum(1, keepdim: true);                       // [Q, 1]
        Tensor? bestDist = null, bestIndex = null;
        for (long start = 0; start < n; start += chunkSize)
        {
            using var chunk = torch.NewDisposeScope();                         // one chunk's temporaries at a time
            long length = Math.Min(chunkSize, n - start);
            var x = data.narrow(0, start, length).flatten(1).to(ScalarType.Float64);
            var xNorm = x.square().sum(1).unsqueeze(0);                        // [1, L]
            var d2 = qNorm - q.matmul(x.transpose(0, 1)) * 2 + xNorm;          // [Q, L]
            var index = torch.arange(start, start + length, dtype: ScalarType.Int64, device: data.device).unsqueeze(0).expand(d2.shape[0], length);
            var allDist = bestDist is null ? d2 : torch.cat([bestDist, d2], 1);
            var allIndex = bestIndex is null ? index : torch.cat([bestIndex, index], 1);
            var (values, positions) = allDist.topk((int)Math.Min(k, allDist.shape[1]), 1, largest: false);
            bestDist = values.MoveToOuterDisposeScope();
            bestIndex = allIndex.gather(1, positions).MoveToOuterDisposeScope();
        }
        var distances = bestDist!.clamp_min(0).sqrt();
        return new NeighbourResult(bestIndex!.MoveToOuterDisposeScope(), distances.MoveToOuterDisposeScope());
    }
}
