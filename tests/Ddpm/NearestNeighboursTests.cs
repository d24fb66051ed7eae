using Diffusion.Ddpm;
using Diffusion.Tensors;

namespace Diffusion.Tests.Ddpm;

public class NearestNeighboursTests
{
    [Fact]
    public void Find_MatchesBruteForceAcrossChunks()
    {
        using var scope = new TensorScope();
        using var g = new Generator(4);
        var data = Torch.Randn([100, 1, 3, 3], generator: g);
        var queries = Torch.Cat([data.Narrow(0, 17, 1) + Torch.Randn([1, 1, 3, 3], generator: g) * 0.01, data.Narrow(0, 42, 1), Torch.Randn([3, 1, 3, 3], generator: g)], 0);

        using var result = NearestNeighbours.Find(queries, data, k: 3, chunkSize: 7);

        Assert.Equal(new long[] { 5, 3 }, result.Indices.Shape);
        long[] idx = result.Indices.ToArray<long>();
        double[] dist = result.Distances.ToArray<double>();
        Assert.Equal(17, idx[0]);
        Assert.Equal(42, idx[3]);
        Assert.Equal(0, dist[3], 5);

        float[] d = data.ToArray<float>();
        float[] q = queries.ToArray<float>();
        for (int i = 0; i < 5; i++)
        {
            var brute = Enumerable.Range(0, 100)
                .Select(j => (j, Math.Sqrt(Enumerable.Range(0, 9).Sum(c => Math.Pow((double)q[i * 9 + c] - d[j * 9 + c], 2)))))
                .OrderBy(p => p.Item2).Take(3).ToArray();
            for (int r = 0; r < 3; r++)
            {
                Assert.Equal(brute[r].j, idx[i * 3 + r]);
                Assert.Equal(brute[r].Item2, dist[i * 3 + r], 5);
            }
        }
    }

    [Fact]
    public void Find_ThrowsForMismatchedShapesOrK()
    {
        using var scope = new TensorScope();
        var data = Torch.Zeros([10, 4]);
        Assert.Throws<ArgumentException>(() => NearestNeighbours.Find(Torch.Zeros([2, 5]), data));
        Assert.Throws<ArgumentOutOfRangeException>(() => NearestNeighbours.Find(Torch.Zeros([2, 4]), data, k: 11));
    }
}
