using Diffusion.IO;
using Diffusion.Tensors;

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

        using var scope = new TensorScope();
        var raw = Idx.Read(imagesPath);
        var rawLabels = Idx.Read(labelsPath);
        if (raw.DType != DType.UInt8 || raw.Dim != 3)
        {
            throw new InvalidDataException($"{imagesPath}: expected unsigned bytes [N, H, W], got {raw}");
        }
        if (rawLabels.DType != DType.UInt8 || rawLabels.Dim != 1 || rawLabels.Size(0) != raw.Size(0))
        {
            throw new InvalidDataException($"{labelsPath}: expected unsigned bytes [{raw.Size(0)}] to match {imagesPath}, got {rawLabels}");
        }
        var images = raw.To(DType.Float32).Div(255.0).Unsqueeze(1);
        var labels = rawLabels.To(DType.Int64);
        return new ImageDataset($"{dataSet} ({(train ? "train" : "test")}, IDX), {raw.Size(0)} images", images, labels, classNames);
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
