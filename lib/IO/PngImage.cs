namespace Diffusion.IO;

/// <summary>
/// An 8-bit image held as interleaved, row-major samples: <c>Pixels[(y * Width + x) * Channels + c]</c>.
/// Channels: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
/// </summary>
/// <param name="Width">Pixels per row.</param>
/// <param name="Height">Rows.</param>
/// <param name="Channels">Samples per pixel (1 to 4).</param>
/// <param name="Pixels">The samples, <c>Width * Height * Channels</c> bytes.</param>
public sealed record PngImage(int Width, int Height, int Channels, byte[] Pixels)
{
    /// <summary>The colour type these channels are written as.</summary>
    public PngColorType ColorType => PngColorTypeExtensions.FromChannels(Channels);

    /// <summary>Sample <paramref name="c"/> of the pixel at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public byte this[int x, int y, int c = 0] => Pixels[((y * Width) + x) * Channels + c];

    /// <summary>Equal when the sizes, channel counts and every sample agree (the pixels are compared by value).</summary>
    public bool Equals(PngImage? other) =>
        other is not null && Width == other.Width && Height == other.Height && Channels == other.Channels &&
        Pixels.AsSpan().SequenceEqual(other.Pixels);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Width);
        hash.Add(Height);
        hash.Add(Channels);
        hash.AddBytes(Pixels);
        return hash.ToHashCode();
    }
}
