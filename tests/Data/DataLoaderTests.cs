using Diffusion.Data;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Data;

public sealed class DataLoaderTests
{
    /// <summary>
    /// <paramref name="n"/> images [1, 2, 3] with label i and pixel (x, y) = i + 0.1 y + 0.01 x, so image 0 of a batch
    /// identifies its source (value at (0, 0)) and whether it was mirrored (x = 0 holds 0.00 or 0.02).
    /// </summary>
    internal static ImageDataset Numbered(int n)
    {
        var values = new float[n * 6];
        for (int i = 0; i < n; i++)
        {
            for (int y = 0; y < 2; y++)
            {
                for (int x = 0; x < 3; x++)
                {
                    values[i * 6 + y * 3 + x] = Value(i, x, y);
                }
            }
        }
        return new ImageDataset("numbered", torch.tensor(values, [n, 1, 2, 3]), torch.arange(n, dtype: int64));
    }

    internal static float Value(long i, int x, int y) => i + 0.1f * y + 0.01f * x;

    private static long[][] LabelsOf(IEnumerable<Batch> batches)
    {
        var result = new List<long[]>();
        foreach (var batch in batches)
        {
            using (batch)
            {
                result.Add(batch.Labels!.data<long>().ToArray());
            }
        }
        return result.ToArray();
    }

    [Fact]
    public void Epoch_SameSeedGivesSameBatches_OtherSeedOrEpochDiffers()
    {
        using var data = Numbered(50);
        var a = LabelsOf(new DataLoader(data, 8, seed: 5).Epoch(0));
        var b = LabelsOf(new DataLoader(data, 8, seed: 5).Epoch(0));
        var other = LabelsOf(new DataLoader(data, 8, seed: 6).Epoch(0));
        var next = LabelsOf(new DataLoader(data, 8, seed: 5).Epoch(1));
        Assert.Equal(a, b);
        Assert.NotEqual(a.SelectMany(x => x), other.SelectMany(x => x));
        Assert.NotEqual(a.SelectMany(x => x), next.SelectMany(x => x));
        // Each epoch visits every image once.
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), a.SelectMany(x => x).Order());
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), next.SelectMany(x => x).Order());
    }

    [Fact]
    public void Epoch_ShapesAndDropLast()
    {
        using var data = Numbered(10);
        var keep = new DataLoader(data, 4, seed: 1);
        var drop = new DataLoader(data, 4, seed: 1, dropLast: true);
        Assert.Equal(3, keep.BatchesPerEpoch);
        Assert.Equal(2, drop.BatchesPerEpoch);
        Assert.Equal(new[] { 4, 4, 2 }, LabelsOf(keep.Epoch(0)).Select(l => l.Length));
        Assert.Equal(new[] { 4, 4 }, LabelsOf(drop.Epoch(0)).Select(l => l.Length));
        using var batch = keep.Epoch(0).First();
        Assert.Equal(new long[] { 4, 1, 2, 3 }, batch.Images.shape);
        Assert.Equal(ScalarType.Float32, batch.Images.dtype);
        Assert.Equal(new long[] { 4 }, batch.Labels!.shape);
        Assert.Equal(ScalarType.Int64, batch.Labels.dtype);
    }

    [Fact]
    public void Batches_WithoutShuffleKeepTheDatasetOrderAndImagesMatchLabels()
    {
        using var data = Numbered(6);
        var loader = new DataLoader(data, 4, shuffle: false);
        var batches = loader.Batches().Take(4).ToList();
        try
        {
            Assert.Equal(new long[][] { [0, 1, 2, 3], [4, 5], [0, 1, 2, 3], [4, 5] }, batches.Select(b => b.Labels!.data<long>().ToArray()));
            Assert.Equal(new[] { 0, 0, 1, 1 }, batches.Select(b => b.Epoch));
            var images = batches[1].Images.data<float>().ToArray();
            Assert.Equal(new[] { Value(4, 0, 0), Value(4, 1, 0), Value(4, 2, 0), Value(4, 0, 1), Value(4, 1, 1), Value(4, 2, 1) }, images[..6]);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void NextBatch_FollowsTheSameSequenceAsBatches()
    {
        using var data = Numbered(10);
        var stream = LabelsOf(new DataLoader(data, 3, seed: 9).Batches().Take(9));
        var loader = new DataLoader(data, 3, seed: 9);
        var cursor = new List<long[]>();
        for (int i = 0; i < 9; i++)
        {
            using var batch = loader.NextBatch();
            cursor.Add(batch.Labels!.data<long>().ToArray());
        }
        Assert.Equal(stream, cursor);
        Assert.Equal(2, loader.CurrentEpoch);
        loader.Reset(1);
        using var first = loader.NextBatch();
        Assert.Equal(stream[4], first.Labels!.data<long>().ToArray());
    }

    [Fact]
    public void RandomHorizontalFlip_MirrorsSomeImagesExactly()
    {
        using var data = Numbered(64);
        var loader = new DataLoader(data, 64, seed: 2, randomHorizontalFlip: true);
        using var batch = loader.Epoch(0).Single();
        var labels = batch.Labels!.data<long>().ToArray();
        var images = batch.Images.data<float>().ToArray();
        int flipped = 0;
        for (int i = 0; i < 64; i++)
        {
            var row0 = images.AsSpan(i * 6, 3).ToArray();
            long l = labels[i];
            float[] plain = [Value(l, 0, 0), Value(l, 1, 0), Value(l, 2, 0)];
            float[] mirrored = [Value(l, 2, 0), Value(l, 1, 0), Value(l, 0, 0)];
            if (row0.SequenceEqual(mirrored))
            {
                flipped++;
                Assert.Equal(new[] { Value(l, 2, 1), Value(l, 1, 1), Value(l, 0, 1) }, images.AsSpan(i * 6 + 3, 3).ToArray());
            }
            else
            {
                Assert.Equal(plain, row0);
            }
        }
        Assert.InRange(flipped, 16, 48); // Binomial(64, ½): mean 32, sd 4
        using var again = new DataLoader(data, 64, seed: 2, randomHorizontalFlip: true).Epoch(0).Single();
        Assert.True(again.Images.Equals(batch.Images));
    }

    [Fact]
    public void ScaleToMinusOneOne_MapsZeroAndOneToTheEnds()
    {
        using var data = new ImageDataset("ends", torch.tensor(new[] { 0f, 0.5f, 1f, 0.25f }, [1, 1, 2, 2]));
        using var batch = new DataLoader(data, 1, scaleToMinusOneOne: true).NextBatch();
        Assert.Equal(new[] { -1f, 0f, 1f, -0.5f }, batch.Images.data<float>().ToArray());
        Assert.Null(batch.Labels);
    }

    [Fact]
    public void Constructor_RejectsDropLastWithNoFullBatch()
    {
        using var data = Numbered(3);
        Assert.Throws<ArgumentException>(() => new DataLoader(data, 4, dropLast: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(data, 0));
    }
}

[Collection(SerialCollection.Name)]
public sealed class DataLoaderMemoryTests
{
    [Fact]
    public void NextBatch_KeepsLiveTensorCountFlatOverAThousandBatches()
    {
        using var data = DataLoaderTests.Numbered(100);
        var loader = new DataLoader(data, 16, seed: 3, randomHorizontalFlip: true, scaleToMinusOneOne: true);
        long before = LiveTensors.Count();
        for (int i = 0; i < 500; i++)
        {
            using var batch = loader.NextBatch();
            Assert.Equal(before + 2, LiveTensors.Count());
        }
        foreach (var batch in loader.Batches().Take(500))
        {
            using (batch)
            using (torch.NewDisposeScope())
            {
                _ = (batch.Images * 2.0).sum().item<float>();  // the scope frees the temporaries, the using the batch
            }
        }
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void ImageDataset_OutlivesTheScopeItWasMadeIn()
    {
        long before = LiveTensors.Count();
        ImageDataset data;
        using (torch.NewDisposeScope())
        {
            data = DataLoaderTests.Numbered(5);
            using var subset = data.Take(2);
        }
        Assert.Equal(before + 2, LiveTensors.Count());
        Assert.Equal(5, data.Count);
        data.Dispose();
        Assert.Equal(before, LiveTensors.Count());
    }
}
