using System.Collections.Concurrent;
using Diffusion.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Data;

/// <summary>
/// An image folder read batch by batch: the files are listed (and sorted) once, and a batch's images are decoded, centre-cropped
/// and resized when it is drawn, so a folder of FFHQ's size (70,000 images, 55 GB as float32 at 256² RGB) trains in the memory of
/// one batch. The same files, crop, resampling, labels and channel rules as <see cref="ImageFolder"/> (see its remarks), with
/// the channel count given up front (deciding grey or RGB would need every image decoded).
/// </summary>
/// <remarks>
/// An unreadable file (truncated, corrupt, beyond <see cref="ImageLimits"/>) stops the batch with an <see cref="ImageDecodeException"/>
/// naming it; with <see cref="BadImagePolicy.Skip"/> it is recorded in <see cref="Skipped"/> and the next readable file in sorted
/// order takes its place in the batch, so every batch keeps its size and the same files give the same batches.
/// </remarks>
public sealed class ImageFolderStream : IImageSource
{
    private readonly string _root;
    private readonly List<string> _files;
    private readonly long[]? _labels;
    private readonly BadImagePolicy _badImages;
    private readonly ImageLimits? _limits;
    private readonly ConcurrentDictionary<int, SkippedImage> _skipped = new();

    private ImageFolderStream(string path, string root, List<string> files, int size, int channels, BadImagePolicy badImages, ImageLimits? limits)
    {
        _root = root;
        _files = files;
        Size = size;
        Channels = channels;
        _badImages = badImages;
        _limits = limits;
        (_labels, ClassNames) = ImageFolder.FolderLabels(files);
        Name = $"image folder {path}, {files.Count} images (decoded batch by batch)";
    }

    /// <summary>Lists the images under <paramref name="path"/>; nothing is decoded yet.</summary>
    /// <param name="path">The root folder.</param>
    /// <param name="size">Square output side (28, 48, 256 …).</param>
    /// <param name="channels">1 (grey) or 3 (RGB).</param>
    /// <param name="badImages">Stop at an unreadable file (default) or skip it (see the remarks).</param>
    /// <param name="limits">The checks made before decoding each file (default <see cref="ImageLimits.Default"/>).</param>
    /// <exception cref="DataMissingException">The folder does not exist or holds no image file.</exception>
    public static ImageFolderStream Open(string path, int size, int channels, BadImagePolicy badImages = BadImagePolicy.Throw, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (grey) or 3 (RGB)");
        }
        string root = Path.GetFullPath(path);
        return new ImageFolderStream(path, root, ImageFolder.ImageFiles(path, root), size, channels, badImages, limits);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Count => _files.Count;

    /// <summary>The square side every image is cropped and resized to.</summary>
    public int Size { get; }

    /// <summary>1 (grey) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>The class of each sub-folder (sorted), or null when images lie in the root.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The files (relative to the root, sorted ordinally).</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>The files skipped so far as unreadable (with <see cref="BadImagePolicy.Skip"/>).</summary>
    public IReadOnlyList<SkippedImage> Skipped => _skipped.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList();

    /// <summary>Decodes the images at <paramref name="indices"/> (in parallel) into float32 [B, C, Size, Size] in [0, 1].</summary>
    public (Tensor Images, Tensor? Labels) Gather(long[] indices, Device? device)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var images = new ImageFolder.FolderImage[indices.Length];
        var used = new long[indices.Length];
        try
        {
            Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, i =>
                (images[i], used[i]) = Decode(indices[i]));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // The first file's error, as the in-memory loader gives it (naming the file), not a wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        using var scope = torch.NewDisposeScope();
        var batch = ImageFolder.Stack([.. images], Channels);
        var labels = _labels is null ? null : torch.tensor(used.Select(k => _labels[k]).ToArray(), dtype: ScalarType.Int64);
        if (device is not null)
        {
            batch = batch.to(device);
            labels = labels?.to(device);
        }
        return (batch.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope());
    }

    /// <summary>The image at <paramref name="index"/>, or with Skip the next readable one; returns it with the index used.</summary>
    private (ImageFolder.FolderImage Image, long Index) Decode(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _files.Count);
        for (int tried = 0; tried < _files.Count; tried++)
        {
            int k = (int)((index + tried) % _files.Count);
            if (_skipped.ContainsKey(k))
            {
                continue;
            }
            string full = Path.Combine(_root, _files[k]);
            try
            {
                return (ImageFolder.Read(full, _files[k], Size, _limits), k);
            }
            catch (ImageDecodeException e) when (_badImages == BadImagePolicy.Skip)
            {
                _skipped.TryAdd(k, new SkippedImage(full, e.Reason));
            }
        }
        throw new ImageDecodeException(_root, $"none of its {_files.Count} image files could be read");
    }
}
