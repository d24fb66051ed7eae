using Diffusion.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Data;

/// <summary>
/// A folder of images (FFHQ, LSUN, CelebA or your own photos) loaded into memory as an <see cref="ImageDataset"/>:
/// float32 [N, C, H, W] in [0, 1]. A folder too large for memory is read batch by batch with <see cref="ImageFolderStream"/>. PNG, JPEG, WebP, BMP and GIF files are read with ImageSharp, grey or colour, any size.
/// </summary>
/// <remarks>
/// Files: every *.png, *.jpg, *.jpeg, *.webp, *.bmp and *.gif under the folder (any case), recursively, sorted by their
/// relative paths (ordinal). Labels: when every image lies inside a sub-folder (none directly in the root), the
/// first-level sub-folder names, sorted, are the classes (label = index into <see cref="ImageDataset.ClassNames"/>);
/// otherwise there are no labels.
/// Channels: grey (1) when every image is grey (R = G = B in every pixel), RGB (3) otherwise; alpha is dropped; grey is
/// repeated to RGB, and RGB becomes grey with the ITU-R BT.601 weights 0.299 R + 0.587 G + 0.114 B when the other count
/// is asked for.
/// Size: without <c>size</c> all images must have the same width and height; with it each image is centre-cropped to a
/// square of its shorter side (left = ⌊(W − side)/2⌋, top = ⌊(H − side)/2⌋) and resized to size × size with ImageSharp's
/// bilinear (triangle) resampler, which averages over the source pixels when it shrinks (unchanged when the square
/// already has that size). The course's resolutions are 28 (MNIST), 48 and 256 (FFHQ).
/// Unreadable files (truncated, corrupt, crafted, beyond <see cref="ImageLimits"/>) stop the load with an
/// <see cref="ImageDecodeException"/> naming the file, or are skipped and reported with <see cref="BadImagePolicy.Skip"/>.
/// </remarks>
public static class ImageFolder
{
    private const string HowToGet = "put the images (PNG, JPEG, WebP, BMP or GIF) in that folder, optionally one sub-folder per class (e.g. FFHQ's or LSUN's images)";

    /// <summary>Loads the images under <paramref name="path"/>; see the remarks of <see cref="ImageFolder"/>.</summary>
    /// <param name="path">The root folder.</param>
    /// <param name="size">Square output side (28, 48, 256 …), or null to require equal sizes.</param>
    /// <param name="channels">1 or 3, or null to choose (grey if all images are grey, else RGB).</param>
    /// <param name="limit">Load at most this many images (the first readable ones in sorted order), or null for all.</param>
    /// <param name="badImages">Stop at an unreadable file (default) or skip it.</param>
    /// <param name="limits">The checks made before decoding each file (default <see cref="ImageLimits.Default"/>).</param>
    /// <exception cref="DataMissingException">The folder does not exist or holds no image file.</exception>
    /// <exception cref="ImageDecodeException">A file cannot be read (with <see cref="BadImagePolicy.Throw"/>), or none can.</exception>
    /// <exception cref="InvalidDataException">Sizes differ and no <paramref name="size"/> was given (naming both files).</exception>
    public static ImageDataset Load(string path, int? size = null, int? channels = null, int? limit = null,
        BadImagePolicy badImages = BadImagePolicy.Throw, ImageLimits? limits = null) =>
        LoadWithReport(path, size, channels, limit, badImages, limits).Dataset;

    /// <summary>
    /// Loads the images under <paramref name="path"/> as <see cref="Load"/> does, and also returns the files that were
    /// skipped (with <see cref="BadImagePolicy.Skip"/>) and why.
    /// </summary>
    public static ImageFolderResult LoadWithReport(string path, int? size = null, int? channels = null, int? limit = null,
        BadImagePolicy badImages = BadImagePolicy.Throw, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (channels is not (null or 1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (grey) or 3 (RGB)");
        }
        if (size is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "size must be positive (28, 48, 256 …)");
        }
        if (limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be positive (or null for every image)");
        }
        string root = Path.GetFullPath(path);
        var files = ImageFiles(path, root);
        var images = new List<FolderImage>();
        var skipped = new List<SkippedImage>();
        foreach (var relative in files)
        {
            if (images.Count == limit)
            {
                break;
            }
            string full = Path.Combine(root, relative);
            try
            {
                images.Add(Read(full, relative, size, limits));
            }
            catch (ImageDecodeException e) when (badImages == BadImagePolicy.Skip)
            {
                skipped.Add(new SkippedImage(full, e.Reason));
            }
            if (size is null && images.Count > 1 && (images[^1].Width, images[^1].Height) != (images[0].Width, images[0].Height))
            {
                throw new InvalidDataException(
                    $"images differ in size: {images[0].Relative} is {images[0].Width}x{images[0].Height}, {images[^1].Relative} is {images[^1].Width}x{images[^1].Height}; " +
                    "pass size: to centre-crop and resize every image to a square");
            }
        }
        if (images.Count == 0)
        {
            throw new ImageDecodeException(root, $"none of its {files.Count} image files could be read (first: {skipped[0].Path}: {skipped[0].Reason})");
        }
        int c = channels ?? (images.All(i => i.IsGrey) ? 1 : 3);
        var (labels, classNames) = FolderLabels(images.Select(i => i.Relative).ToList());
        string name = $"image folder {path}, {images.Count} images" + (skipped.Count > 0 ? $" ({skipped.Count} unreadable files skipped)" : "");
        using var scope = torch.NewDisposeScope();
        var tensor = Stack(images, c);
        var labelTensor = labels is null ? null : torch.tensor(labels, dtype: ScalarType.Int64);
        return new ImageFolderResult(new ImageDataset(name, tensor, labelTensor, classNames), skipped);
    }

    /// <summary>One decoded image: its relative path, size, 8-bit RGB pixels (H × W × 3) and whether it is grey.</summary>
    internal sealed record FolderImage(string Relative, int Width, int Height, byte[] Rgb, bool IsGrey);

    /// <summary>The image files under <paramref name="root"/>, relative and sorted; throws when there are none.</summary>
    internal static List<string> ImageFiles(string path, string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DataMissingException($"image folder '{path}'", [root], HowToGet);
        }
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => ImageIO.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(f => Path.GetRelativePath(root, f))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        if (files.Count == 0)
        {
            throw new DataMissingException($"images in '{path}'", [Path.Combine(root, "**", "*{" + string.Join(",", ImageIO.Extensions) + "}")], HowToGet);
        }
        return files;
    }

    /// <summary>Reads one file, centre-cropped and resized to <paramref name="size"/> when given.</summary>
    internal static FolderImage Read(string full, string relative, int? size, ImageLimits? limits)
    {
        using var image = ImageIO.Read(full, limits);
        if (size is int s)
        {
            int side = Math.Min(image.Width, image.Height);
            if (image.Width != side || image.Height != side)
            {
                var square = new Rectangle((image.Width - side) / 2, (image.Height - side) / 2, side, side);
                image.Mutate(x => x.Crop(square));
            }
            if (side != s)
            {
                image.Mutate(x => x.Resize(s, s, KnownResamplers.Triangle));
            }
        }
        var rgb = new byte[checked(image.Width * image.Height * 3)];
        image.CopyPixelDataTo(rgb);
        return new FolderImage(relative, image.Width, image.Height, rgb, IsGrey(rgb));
    }

    private static bool IsGrey(byte[] rgb)
    {
        for (int i = 0; i < rgb.Length; i += 3)
        {
            if (rgb[i] != rgb[i + 1] || rgb[i] != rgb[i + 2])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>All images as float32 [N, c, H, W] in [0, 1] (grey images keep their value, colour ones become BT.601 luma for c = 1).</summary>
    internal static Tensor Stack(List<FolderImage> images, int c)
    {
        int h = images[0].Height, w = images[0].Width, plane = h * w;
        var all = new byte[checked((long)images.Count * plane * 3)];
        for (int i = 0; i < images.Count; i++)
        {
            images[i].Rgb.CopyTo(all, (long)i * plane * 3);
        }
        var rgb = torch.tensor(all, [images.Count, h, w, 3], dtype: ScalarType.Byte).permute(0, 3, 1, 2).to(ScalarType.Float32);
        if (c == 3)
        {
            return rgb.div(255f).contiguous().MoveToOuterDisposeScope();
        }
        var grey = torch.tensor(images.Select(i => i.IsGrey).ToArray()).reshape(-1, 1, 1, 1);
        var luma = (rgb[.., 0..1].mul(0.299f) + rgb[.., 1..2].mul(0.587f) + rgb[.., 2..3].mul(0.114f));
        return torch.where(grey, rgb[.., 0..1], luma).div(255f).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Labels from first-level sub-folders when no file lies directly in the root.</summary>
    internal static (long[]? Labels, IReadOnlyList<string>? ClassNames) FolderLabels(List<string> files)
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
}
