using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.IO;

/// <summary>
/// Reads image files into tensors and writes tensors as PNG, on ImageSharp 2.1: PNG, JPEG, WebP, BMP and GIF, grey or
/// colour, any size. A file that cannot be read throws <see cref="ImageDecodeException"/> naming it (see
/// <see cref="ImageLimits"/> for the checks made before decoding).
/// </summary>
/// <remarks>
/// Read images are float32 [C, H, W] in [0, 1] (sample / 255): C = 1 when every pixel has R = G = B, else C = 3;
/// alpha is dropped (colours are kept as stored, not composited); GIFs give their first frame. Written images map
/// <c>range</c> to 0 … 255 as <c>floor(255 · clamp((x − Low) / (High − Low), 0, 1) + 0.5)</c>, NaN as 0, and are saved as
/// 8-bit grey or RGB PNG, atomically (<see cref="AtomicFile"/>).
/// </remarks>
public static class ImageIO
{
    /// <summary>The file extensions read by image folders: .png, .jpg, .jpeg, .webp, .bmp, .gif.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"];

    /// <summary>Loads the image at <paramref name="path"/> as float32 [C, H, W] in [0, 1] (C = 1 for grey images, 3 for colour).</summary>
    /// <exception cref="ImageDecodeException">The file is truncated, corrupt, not a supported image or beyond <paramref name="limits"/>.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static Tensor Load(string path, ImageLimits? limits = null)
    {
        using var image = Read(path, limits);
        return ImagePixels.ToTensor(image, ImagePixels.IsGrey(image) ? 1 : 3);
    }

    /// <summary>Decodes an image held in memory (<paramref name="name"/> names it in errors); see <see cref="Load"/>.</summary>
    public static Tensor Decode(byte[] data, string name = "image data", ImageLimits? limits = null)
    {
        using var image = ImageDecoding.Decode(data, name, limits ?? ImageLimits.Default);
        return ImagePixels.ToTensor(image, ImagePixels.IsGrey(image) ? 1 : 3);
    }

    /// <summary>Reads the image at <paramref name="path"/> as an 8-bit RGB ImageSharp image (alpha dropped); the caller disposes it.</summary>
    /// <exception cref="ImageDecodeException">The file is truncated, corrupt, not a supported image or beyond <paramref name="limits"/>.</exception>
    public static Image<Rgb24> Read(string path, ImageLimits? limits = null) => ImageDecoding.Read(path, limits ?? ImageLimits.Default);

    /// <summary>An ImageSharp image as float32 [<paramref name="channels"/>, H, W] in [0, 1] (1: grey, by BT.601 luma for colour pixels; 3: RGB).</summary>
    public static Tensor ToTensor(Image<Rgb24> image, int channels = 3)
    {
        ArgumentNullException.ThrowIfNull(image);
        return ImagePixels.ToTensor(image, channels);
    }

    /// <summary>
    /// One image [C, H, W] or [H, W] (C = 1 or 3, any dtype and device) as an 8-bit ImageSharp image (grey or RGB),
    /// <paramref name="range"/> mapped to black … white (default (−1, 1)); the caller disposes it.
    /// </summary>
    public static Image ToImage(Tensor image, (double Low, double High)? range = null)
    {
        var (low, high) = ImagePixels.Range(range, nameof(range));
        using var scope = torch.NewDisposeScope();
        var chw = ImagePixels.AsChw(image, nameof(image));
        return ImagePixels.ToImage(ImagePixels.Quantize(chw, low, high));
    }

    /// <summary>Encodes an 8-bit image as PNG (grey images as 8-bit greyscale, others as 8-bit RGB).</summary>
    public static byte[] EncodePng(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var stream = new MemoryStream();
        image.Save(stream, PngEncoderFor(image));
        return stream.ToArray();
    }

    /// <summary>Writes one image [C, H, W] or [H, W] as a PNG file, atomically; see <see cref="ToImage"/> for the mapping.</summary>
    public static void SavePng(string path, Tensor image, (double Low, double High)? range = null)
    {
        using var picture = ToImage(image, range);
        SavePng(path, picture);
    }

    /// <summary>Writes an 8-bit image as a PNG file, atomically.</summary>
    public static void SavePng(string path, Image image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(image);
        AtomicFile.Write(path, stream => image.Save(stream, PngEncoderFor(image)));
    }

    /// <summary>The width and height in an image's header (no pixels decoded).</summary>
    /// <exception cref="ImageDecodeException">The data is not a supported image.</exception>
    public static (int Width, int Height) Measure(byte[] data, string name = "image data") => ImageDecoding.Measure(data, name);

    private static PngEncoder PngEncoderFor(Image image) => new()
    {
        ColorType = image is Image<L8> ? PngColorType.Grayscale : PngColorType.Rgb,
        BitDepth = PngBitDepth.Bit8,
    };
}
