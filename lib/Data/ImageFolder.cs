using Diffusion.IO;
using Diffusion.Tensors;

namespace Diffusion.Data;

/// <summary>
/// A folder of PNG images (FFHQ, LSUN or your own photos exported as PNG) loaded into memory as an
/// <see cref="ImageDataset"/>: float32 [N, C, H, W] in [0, 1].
/// </summary>
/// <remarks>
/// Files: every <c>*.png</c> under the folder, recursively, sorted by their relative paths (ordinal). Labels: when
/// every image lies inside a sub-folder (none directly in the root), the first-level sub-folder names, sorted, are the
/// classes (label = index into <see cref="ImageDataset.ClassNames"/>); otherwise there are no labels.
/// Channels: grey (1) when every image is grey, RGB (3) otherwise; alpha is dropped; grey is repeated to RGB and RGB
/// becomes grey with the ITU-R BT.601 weights 0.299 R + 0.587 G + 0.114 B when the other count is asked for.
/// Size: without <c>size</c> all images must have the same width and height; with it each image is center-cropped to
/// a square of its shorter side and resized to size × size (bilinear, <see cref="Functional.Interpolate"/>; unchanged
/// when it already has that size).
/// </remarks>
public static class ImageFolder
{
    /// <summary>Loads the PNGs under <paramref name="path"/>; see the remarks of <see cref="ImageFolder"/>.</summary>
    /// <param name="path">The root folder.</param>
    /// <param name="size">Square output side, or null to require equal sizes.</param>
    /// <param name="channels">1 or 3, or null to choose (grey if all images are grey, else RGB).</param>
    /// <param name="limit">Load at most this many images (the first in sorted order), or null for all.</param>
    /// <exception cref="DataMissingException">The folder does not exist or holds no PNG file.</exception>
    /// <exception cref="InvalidDataException">Sizes differ and no <paramref name="size"/> was given (naming both files), or a PNG is damaged.</exception>
    public static ImageDataset Load(string path, int? size = null, int? channels = null, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (channels is not (null or 1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (grey) or 3 (RGB)");
        }
        if (size is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "size must be positive");
        }
        string root = Path.GetFullPath(path);
        const string howToGet = "put the PNG images in that folder (optionally one sub-folder per class), e.g. export FFHQ or LSUN images as PNG";
        if (!Directory.Exists(root))
        {
            throw new DataMissingException($"image folder '{path}'", [root], howToGet);
        }
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            .Select(f => Path.GetRelativePath(root, f))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        if (limit is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(max, nameof(limit));
            files = files.Take(max).ToList();
        }
        if (files.Count == 0)
        {
            throw new DataMissingException($"PNG images in '{path}'", [Path.Combine(root, "**", "*.png")], howToGet);
        }

        var (labels, classNames) = FolderLabels(files);
        var images = new PngImage[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            images[i] = Png.Load(Path.Combine(root, files[i]));
        }
        int c = channels ?? (images.Any(im => im.Channels >= 3) ? 3 : 1);
        string name = $"image folder {path}, {files.Count} images";

        if (size is null)
        {
            for (int i = 1; i < images.Length; i++)
            {
                if (images[i].Width != images[0].Width || images[i].Height != images[0].Height)
                {
                    throw new InvalidDataException(
                        $"images differ in size: {files[0]} is {images[0].Width}x{images[0].Height}, {files[i]} is {images[i].Width}x{images[i].Height}; " +
                        "pass size: to center-crop and resize every image to a square");
                }
            }
            int h = images[0].Height, w = images[0].Width, plane = h * w;
            var values = new float[(long)images.Length * c * plane];
            for (int i = 0; i < images.Length; i++)
            {
                Planar(images[i], c, values.AsSpan(i * c * plane, c * plane));
            }
            return new ImageDataset(name, Torch.FromSpan<float>(values, [images.Length, c, h, w]), ToLabels(labels), classNames);
        }

        int s = size.Value;
        var result = new float[(long)images.Length * c * s * s];
        for (int i = 0; i < images.Length; i++)
        {
            using var scope = new TensorScope();
            var im = images[i];
            var planar = new float[c * im.Height * im.Width];
            Planar(im, c, planar);
            var x = Torch.FromSpan<float>(planar, [1, c, im.Height, im.Width]);
            int side = Math.Min(im.Height, im.Width);
            var square = x.Narrow(2, (im.Height - side) / 2, side).Narrow(3, (im.Width - side) / 2, side);
            var resized = side == s ? square : Functional.Interpolate(square, size: s, mode: InterpolationMode.Bilinear, alignCorners: false).Clamp(0, 1);
            resized.Contiguous().ToArray<float>().CopyTo(result.AsSpan(i * c * s * s, c * s * s));
        }
        return new ImageDataset(name, Torch.FromSpan<float>(result, [images.Length, c, s, s]), ToLabels(labels), classNames);
    }

    /// <summary>Labels from first-level sub-folders when no file lies directly in the root.</summary>
    private static (long[]? Labels, IReadOnlyList<string>? ClassNames) FolderLabels(List<string> files)
    {
        var folders = new string[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            int cut = files[i].IndexOf(Path.DirectorySeparatorChar);
            if (cut < 0)
            {
                return (null, null);
            }
            folders[i] = files[i][..cut];
        }
        var names = folders.Distinct().Order(StringComparer.Ordinal).ToList();
        var index = names.Select((n, k) => (n, k)).ToDictionary(p => p.n, p => (long)p.k);
        return (folders.Select(f => index[f]).ToArray(), names);
    }

    private static Tensor? ToLabels(long[]? labels) => labels is null ? null : Torch.FromArray(labels);

    /// <summary>Writes <paramref name="image"/> as <paramref name="c"/> planes of sample / 255, converting channels.</summary>
    private static void Planar(PngImage image, int c, Span<float> output)
    {
        int plane = image.Width * image.Height, stride = image.Channels;
        bool colour = stride >= 3;
        var px = image.Pixels;
        for (int p = 0; p < plane; p++)
        {
            int o = p * stride;
            if (c == 1)
            {
                output[p] = colour
                    ? (0.299f * px[o] + 0.587f * px[o + 1] + 0.114f * px[o + 2]) / 255f
                    : px[o] / 255f;
            }
            else
            {
                for (int ch = 0; ch < 3; ch++)
                {
                    output[ch * plane + p] = px[colour ? o + ch : o] / 255f;
                }
            }
        }
    }
}
