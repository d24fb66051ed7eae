namespace Diffusion.IO;

/// <summary>PNG colour types; the values are the codes stored in the IHDR chunk.</summary>
public enum PngColorType : byte
{
    /// <summary>One grey channel.</summary>
    Gray = 0,

    /// <summary>Red, green, blue.</summary>
    Rgb = 2,

    /// <summary>Indices into a PLTE palette (decoded only; expanded to RGB or RGBA).</summary>
    Palette = 3,

    /// <summary>Grey and alpha.</summary>
    GrayAlpha = 4,

    /// <summary>Red, green, blue, alpha.</summary>
    Rgba = 6,
}

/// <summary>Facts about <see cref="PngColorType"/> values.</summary>
public static class PngColorTypeExtensions
{
    /// <summary>Samples per pixel as stored in the file (1 for a palette index).</summary>
    public static int Channels(this PngColorType color) => color switch
    {
        PngColorType.Gray or PngColorType.Palette => 1,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgb => 3,
        PngColorType.Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(color), color, "not a PNG colour type"),
    };

    /// <summary>The 8-bit colour type that stores <paramref name="channels"/> channels (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA).</summary>
    public static PngColorType FromChannels(int channels) => channels switch
    {
        1 => PngColorType.Gray,
        2 => PngColorType.GrayAlpha,
        3 => PngColorType.Rgb,
        4 => PngColorType.Rgba,
        _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "a PNG image has 1, 2, 3 or 4 channels"),
    };
}
