using Diffusion.Ddpm;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Ddpm;

public class NearestNeighboursTests
{
    [Fact]
    public void Find_MatchesBruteForceAcrossChunks()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(4);
        var data = torch.randn([100, 1, 3, 3], generator: g);
        var queries = torch.cat([data.narrow(0, 17, 1) + torch.randn([1, 1, 3, 3], generator: g) * 0.01, data.narrow(0, 42, 1), torch.randn([3, 1, 3, 3], generator: g)], 0);

        using var result = NearestNeighbours.Find(queries, data, k: 3, chunkSize: 7);

        Assert.Equal(new long[] { 5, 3 }, result.Indices.shape);
        long[] idx = result.Indices.data<long>().ToArray();
        double[] dist = result.Distances.data<double>().ToArray();
        Assert.Equal(17, idx[0]);
        Assert.Equal(42, idx[3]);
        Assert.Equal(0, dist[3], 5);

        float[] d = data.data<float>().ToArray();
        float[] q = queries.data<float>().ToArray();
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
        using var scope = torch.NewDisposeScope();
        var data = torch.zeros([10, 4]);
        var e = Assert.Throws<ArgumentException>(() => NearestNeighbours.Find(torch.zeros([2, 5]), data));
        Assert.Contains("[2, 5]", e.Message);
        Assert.Contains("[10, 4]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => NearestNeighbours.Find(torch.zeros([2, 4]), data, k: 11));
    }
}
