using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;

namespace Diffusion.Tests.IO;

/// <summary>Small test pictures and their files in each format the course reads, written with ImageSharp's encoders.</summary>
internal static class TestImages
{
    /// <summary>The formats, by file extension.</summary>
    internal static readonly string[] Extensions = [".png", ".jpg", ".webp", ".bmp", ".gif"];

    /// <summary>A colour picture whose pixel (x, y) is (seed + 10 x, 7 y, 200 − 5 x − 3 y), all distinct enough for every codec.</summary>
    internal static Image<Rgb24> Colour(int width, int height, int seed = 0)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)(seed + (10 * x)), (byte)(7 * y), (byte)(200 - (5 * x) - (3 * y)));
            }
        }
        return image;
    }

    /// <summary>A grey picture whose pixel (x, y) is <c>seed + 10 y + x</c>.</summary>
    internal static Image<L8> Grey(int width, int height, int seed = 0)
    {
        var image = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new L8((byte)(seed + (10 * y) + x));
            }
        }
        return image;
    }

    /// <summary>
    /// The encoder for <paramref name="extension"/>: lossless where the format allows (WebP lossless, 24-bit BMP, a GIF
    /// palette of the picture's own colours without dithering), JPEG at quality 95.
    /// </summary>
    internal static IImageEncoder Encoder(Image image, string extension, bool grey = false) => extension.ToLowerInvariant() switch
    {
        ".png" => new PngEncoder { ColorType = grey ? PngColorType.Grayscale : PngColorType.Rgb },
        ".jpg" or ".jpeg" => new JpegEncoder { Quality = 95, ColorType = grey ? JpegColorType.Luminance : JpegColorType.YCbCrRatio444 },
        ".webp" => new WebpEncoder { FileFormat = WebpFileFormatType.Lossless },
        ".bmp" => new BmpEncoder { BitsPerPixel = grey ? BmpBitsPerPixel.Pixel8 : BmpBitsPerPixel.Pixel24 },
        ".gif" => new GifEncoder { Quantizer = new PaletteQuantizer(Palette(image), new QuantizerOptions { Dither = null }) },
        _ => throw new ArgumentException($"no encoder for {extension}", nameof(extension)),
    };

    /// <summary>The file bytes of <paramref name="image"/> in the format of <paramref name="extension"/>.</summary>
    internal static byte[] Encode(Image image, string extension, bool grey = false)
    {
        using var stream = new MemoryStream();
        image.Save(stream, Encoder(image, extension, grey));
        return stream.ToArray();
    }

    /// <summary>The distinct colours of <paramref name="image"/> (at most 256 for a GIF to be exact).</summary>
    private static Color[] Palette(Image image)
    {
        using var rgb = image.CloneAs<Rgb24>();
        var colours = new HashSet<Rgb24>();
        for (int y = 0; y < rgb.Height; y++)
        {
            for (int x = 0; x < rgb.Width; x++)
            {
                colours.Add(rgb[x, y]);
            }
        }
        return colours.Take(256).Select(c => Color.FromRgb(c.R, c.G, c.B)).ToArray();
    }

    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> (creating folders) in the format of its extension.</summary>
    internal static void Save(Image image, string path, bool grey = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Encode(image, Path.GetExtension(path), grey));
    }
}
