using System.IO.Compression;

namespace Diffusion.IO;

/// <summary>
/// PNG encoding and decoding with no dependency beyond <see cref="ZLibStream"/>.
/// </summary>
/// <remarks>
/// Encoding writes 8-bit Gray, GrayAlpha, Rgb or Rgba, non-interlaced, one IDAT chunk, each row filtered
/// with the filter of smallest sum of absolute differences (by default).
/// Decoding reads every standard PNG: grey at 1, 2, 4, 8, 16 bits, RGB, grey+alpha and RGBA at 8 or 16 bits,
/// palettes at 1 to 8 bits, Adam7 interlacing, all five filters, many IDAT chunks, every CRC checked.
/// The result is always 8-bit: 16-bit samples keep their high byte (libpng's <c>png_set_strip_16</c>),
/// 1/2/4-bit grey is stretched to 0..255, palettes expand to RGB (RGBA when a tRNS chunk is present) and a
/// grey or RGB tRNS colour key adds an alpha channel. Damaged or truncated input throws
/// <see cref="InvalidDataException"/> saying what is wrong.
/// </remarks>
public static class Png
{
    /// <summary>Encodes interleaved 8-bit samples (<c>width * height * channels</c> bytes, row-major) as a PNG file.</summary>
    /// <param name="pixels">The samples, row after row.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows.</param>
    /// <param name="color">Gray, GrayAlpha, Rgb or Rgba.</param>
    /// <param name="filter">The row filter strategy (adaptive by default).</param>
    /// <param name="compression">The zlib effort.</param>
    /// <returns>The bytes of the PNG file.</returns>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, PngColorType color,
        PngFilter filter = PngFilter.Adaptive, CompressionLevel compression = CompressionLevel.Optimal) =>
        PngEncoder.Encode(pixels, width, height, color, filter, compression);

    /// <summary>Encodes <paramref name="image"/> as a PNG file.</summary>
    public static byte[] Encode(PngImage image, PngFilter filter = PngFilter.Adaptive, CompressionLevel compression = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        return PngEncoder.Encode(image.Pixels, image.Width, image.Height, image.ColorType, filter, compression);
    }

    /// <summary>Encodes and writes a PNG file atomically (see <see cref="AtomicFile"/>).</summary>
    public static void Save(string path, ReadOnlySpan<byte> pixels, int width, int height, PngColorType color) =>
        AtomicFile.WriteAllBytes(path, Encode(pixels, width, height, color));

    /// <summary>Encodes and writes <paramref name="image"/> atomically.</summary>
    public static void Save(string path, PngImage image) => AtomicFile.WriteAllBytes(path, Encode(image));

    /// <summary>Decodes a PNG file held in memory into 8-bit samples (see the class remarks for conversions).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid PNG: the message says what is wrong.</exception>
    /// <exception cref="NotSupportedException">An unknown critical chunk, or an image too large for one array.</exception>
    public static PngImage Decode(ReadOnlySpan<byte> png) => PngDecoder.Decode(png);

    /// <summary>Reads and decodes a PNG file; errors name the file.</summary>
    public static PngImage Load(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return PngDecoder.Decode(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
