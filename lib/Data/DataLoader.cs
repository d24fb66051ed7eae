using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Data;

/// <summary>
/// Cuts an <see cref="ImageDataset"/> (or any <see cref="IImageSource"/>, such as an <see cref="ImageFolderStream"/> that decodes
/// each batch from files) into batches, epoch after epoch, reproducibly: the order of epoch e is a
/// permutation drawn from <c>System.Random</c> seeded with (seed, e), so the same seed gives the same batches on every
/// machine and every epoch has its own order. Optional per-image random horizontal flips (drawn from the same
/// generator) and the map x ↦ 2x − 1 from [0, 1] to [−1, 1] that DDPM trains in.
/// </summary>
/// <remarks>
/// Each batch is a fresh pair of tensors, registered in the dispose scope current when it is made: dispose it, or call
/// <see cref="NextBatch"/> inside a <c>torch.NewDisposeScope()</c> (batches from the <see cref="Batches"/> and
/// <see cref="Epoch"/> enumerators are made when the enumerator moves, outside a scope opened in the loop body, so dispose those);
/// the loader keeps none, so memory stays flat over any number of batches. The loader does not own the dataset.
/// <code>
/// using var data = Mnist.LoadNpm();
/// var loader = new DataLoader(data, batchSize: 128, seed: 1, scaleToMinusOneOne: true);
/// for (int step = 0; step &lt; steps; step++)
/// {
///     using var scope = torch.NewDisposeScope();
///     var batch = loader.NextBatch();        // made inside the scope: freed with it
///     var loss = ddpmLoss.Compute(model, batch.Images);
/// }
/// </code>
/// </remarks>
public sealed class DataLoader
{
    private readonly IImageSource _dataset;
    private int _epoch;
    private int _index;
    private long[]? _order;
    private bool[]? _flips;

    /// <summary>Creates a loader over <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The images (and labels): an <see cref="ImageDataset"/> in memory or an <see cref="ImageFolderStream"/>; not owned.</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="shuffle">Draw a fresh order each epoch; false keeps the dataset's order.</param>
    /// <param name="seed">Seeds the orders and the flips.</param>
    /// <param name="dropLast">Leave out the last batch of an epoch when it is short.</param>
    /// <param name="randomHorizontalFlip">Mirror each image left–right with probability ½.</param>
    /// <param name="scaleToMinusOneOne">Return 2x − 1 instead of x (maps [0, 1] to [−1, 1]).</param>
    /// <param name="device">Where batches are placed; null leaves them on the dataset's device.</param>
    public DataLoader(IImageSource dataset, int batchSize, bool shuffle = true, int seed = 0, bool dropLast = false,
        bool randomHorizontalFlip = false, bool scaleToMinusOneOne = false, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (dropLast && batchSize > dataset.Count)
        {
            throw new ArgumentException($"with dropLast a batch of {batchSize} from {dataset.Count} images leaves no batch at all", nameof(batchSize));
        }
        _dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        RandomHorizontalFlip = randomHorizontalFlip;
        ScaleToMinusOneOne = scaleToMinusOneOne;
        Device = device;
    }

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch has its own random order.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed of the orders and flips.</summary>
    public int Seed { get; }

    /// <summary>Whether a short last batch is left out.</summary>
    public bool DropLast { get; }

    /// <summary>Whether images are mirrored left–right at random.</summary>
    public bool RandomHorizontalFlip { get; }

    /// <summary>Whether batches are mapped from [0, 1] to [−1, 1].</summary>
    public bool ScaleToMinusOneOne { get; }

    /// <summary>Where batches are placed (null: the dataset's device).</summary>
    public Device? Device { get; }

    /// <summary>Batches in one epoch: ⌊N / B⌋ with <see cref="DropLast"/>, else ⌈N / B⌉.</summary>
    public int BatchesPerEpoch => DropLast ? _dataset.Count / BatchSize : (_dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>The epoch that <see cref="NextBatch"/> reads from.</summary>
    public int CurrentEpoch => _epoch;

    /// <summary>The batches of epoch <paramref name="epoch"/>, in order; the same for the same seed and epoch.</summary>
    public IEnumerable<Batch> Epoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return EpochIterator(epoch);
    }

    private IEnumerable<Batch> EpochIterator(int epoch)
    {
        var (order, flips) = Plan(epoch);
        int batches = BatchesPerEpoch;
        for (int b = 0; b < batches; b++)
        {
            yield return Make(order, flips, epoch, b);
        }
    }

    /// <summary>An endless stream of batches: epoch 0, then epoch 1, … (for step-based training; use <c>Take(steps)</c>).</summary>
    public IEnumerable<Batch> Batches()
    {
        for (int epoch = 0; ; epoch++)
        {
            foreach (var batch in EpochIterator(epoch))
            {
                yield return batch;
            }
        }
    }

    /// <summary>The next batch of the loader's own cursor, moving to the next epoch when one ends; the same sequence as <see cref="Batches"/>.</summary>
    public Batch NextBatch()
    {
        if (_order is null || _index >= BatchesPerEpoch)
        {
            if (_order is not null)
            {
                _epoch++;
            }
            (_order, _flips) = Plan(_epoch);
            _index = 0;
        }
        return Make(_order, _flips, _epoch, _index++);
    }

    /// <summary>Moves <see cref="NextBatch"/>'s cursor to the start of <paramref name="epoch"/> (e.g. when resuming training).</summary>
    public void Reset(int epoch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        _epoch = epoch;
        _order = null;
        _flips = null;
        _index = 0;
    }

    /// <summary>The order of an epoch and, with flips on, whether each position is mirrored.</summary>
    private (long[] Order, bool[]? Flips) Plan(int epoch)
    {
        int n = _dataset.Count;
        var random = new Random(MixSeed(Seed, epoch));
        long[] order;
        if (Shuffle)
        {
            order = ImageDataset.Permutation(n, random);
        }
        else
        {
            order = new long[n];
            for (int i = 0; i < n; i++)
            {
                order[i] = i;
            }
        }
        bool[]? flips = null;
        if (RandomHorizontalFlip)
        {
            flips = new bool[n];
            for (int i = 0; i < n; i++)
            {
                flips[i] = random.Next(2) == 1;
            }
        }
        return (order, flips);
    }

    private Batch Make(long[] order, bool[]? flips, int epoch, int index)
    {
        int start = index * BatchSize;
        int count = Math.Min(BatchSize, order.Length - start);
        using var scope = torch.NewDisposeScope();
        var (images, labels) = _dataset.Gather(order.AsSpan(start, count).ToArray(), device: null);
        if (flips is not null)
        {
            var mask = new bool[count];
            for (int i = 0; i < count; i++)
            {
                mask[i] = flips[start + i];
            }
            var m = torch.tensor(mask, [count, 1, 1, 1], device: images.device);
            images = torch.where(m, images.flip(3), images);
        }
        if (ScaleToMinusOneOne)
        {
            images = images * 2.0 - 1.0;
        }
        if (Device is { } device)
        {
            images = images.to(device);
        }
        if (labels is not null && Device is { } d)
        {
            labels = labels.to(d);
        }
        return new Batch(images.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope(), epoch, index);
    }

    /// <summary>One 32-bit seed from (seed, epoch), well mixed (SplitMix64's finaliser), so nearby seeds and epochs give unrelated orders.</summary>
    private static int MixSeed(int seed, int epoch)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)epoch) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
