using Diffusion.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Data;

/// <summary>Loads an MNIST-style pair of IDX files (images ubyte [N, H, W], labels ubyte [N]) as an <see cref="ImageDataset"/>.</summary>
internal static class IdxImages
{
    /// <summary>
    /// Reads <c>{prefix}-images-idx3-ubyte[.gz]</c> and <c>{prefix}-labels-idx1-ubyte[.gz]</c> (prefix <c>train</c> or
    /// <c>t10k</c>; the dotted spelling <c>train-images.idx3-ubyte</c> is accepted too) from <paramref name="folder"/>.
    /// Pixels become float32 value / 255 in [0, 1], labels int64.
    /// </summary>
    public static ImageDataset Load(string dataSet, string folder, bool train, IReadOnlyList<string> classNames, string howToGet)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string prefix = train ? "train" : "t10k";
        string what = $"{dataSet} {(train ? "training" : "test")} set (IDX files {prefix}-images-idx3-ubyte[.gz], {prefix}-labels-idx1-ubyte[.gz])";
        var searched = new List<string>();
        string? imagesPath = Find(folder, prefix, "images", 3, searched);
        string? labelsPath = Find(folder, prefix, "labels", 1, searched);
        if (imagesPath is null || labelsPath is null)
        {
            throw new DataMissingException(what, searched, howToGet);
        }

        using var scope = torch.NewDisposeScope();
        var raw = Idx.Read(imagesPath);
        var rawLabels = Idx.Read(labelsPath);
        if (raw.dtype != ScalarType.Byte || raw.dim() != 3)
        {
            throw new InvalidDataException($"{imagesPath}: expected unsigned bytes [N, H, W], got {ImageDataset.Describe(raw)}");
        }
        if (rawLabels.dtype != ScalarType.Byte || rawLabels.dim() != 1 || rawLabels.shape[0] != raw.shape[0])
        {
            throw new InvalidDataException($"{labelsPath}: expected unsigned bytes [{raw.shape[0]}] to match {imagesPath}, got {ImageDataset.Describe(rawLabels)}");
        }
        var images = raw.to(ScalarType.Float32).div_(255.0).unsqueeze(1);
        var labels = rawLabels.to(ScalarType.Int64);
        return new ImageDataset($"{dataSet} ({(train ? "train" : "test")}, IDX), {raw.shape[0]} images", images, labels, classNames);
    }

    private static string? Find(string folder, string prefix, string kind, int dims, List<string> searched)
    {
        foreach (var name in new[] { $"{prefix}-{kind}-idx{dims}-ubyte", $"{prefix}-{kind}.idx{dims}-ubyte" })
        {
            foreach (var suffix in new[] { ".gz", "" })
            {
                var path = Path.Combine(folder, name + suffix);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }
        searched.Add(Path.Combine(folder, $"{prefix}-{kind}-idx{dims}-ubyte[.gz]"));
        return null;
    }
}
