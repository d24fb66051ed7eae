using System.Buffers.Binary;
using System.Text;

namespace Diffusion.Tests.IO;

/// <summary>
/// Damaged copies of valid image files: truncations, flipped bytes, zeroed runs, and headers crafted to claim huge sizes
/// (with a correct PNG chunk CRC, so the claim gets past the checksum).
/// </summary>
internal static class ImageMutations
{
    /// <summary>A named damaged copy; <see cref="CraftedHuge"/> marks headers that claim more pixels than any limit admits.</summary>
    internal sealed record Mutation(string Name, byte[] Data, bool CraftedHuge = false);

    /// <summary>Every mutation of <paramref name="file"/> (whose format is given by <paramref name="extension"/>), seeded by <paramref name="seed"/>.</summary>
    internal static IEnumerable<Mutation> Of(byte[] file, string extension, int seed)
    {
        var random = new Random(seed);
        foreach (int length in new[] { 0, 1, 2, 4, 8, 12, 16, 24, 33, file.Length / 4, file.Length / 2, (3 * file.Length) / 4, file.Length - 1 }.Distinct())
        {
            yield return new Mutation($"truncated-{length}", file[..length]);
        }
        for (int k = 0; k < 24; k++)
        {
            var copy = (byte[])file.Clone();
            int at = random.Next(copy.Length);
            copy[at] ^= (byte)(1 + random.Next(255));
            yield return new Mutation($"flipped-{k}-at-{at}", copy);
        }
        for (int k = 0; k < 6; k++)
        {
            var copy = (byte[])file.Clone();
            int at = random.Next(copy.Length), run = Math.Min(16, copy.Length - at);
            Array.Clear(copy, at, run);
            yield return new Mutation($"zeroed-{k}-at-{at}", copy);
        }
        foreach (var crafted in Huge(file, extension))
        {
            yield return crafted;
        }
    }

    /// <summary>Headers rewritten to claim sizes far beyond <c>ImageLimits.Default</c> (at least 2^32 pixels or a side of 65535).</summary>
    private static IEnumerable<Mutation> Huge(byte[] file, string extension)
    {
        switch (extension)
        {
            case ".png":
            {
                // IHDR data starts at byte 16: width, height (big-endian); its CRC covers bytes 12..28.
                foreach (var (w, h, name) in new (uint, uint, string)[] { (100_000u, 100_000u, "100000x100000"), (int.MaxValue, 1u, "2147483647x1"), (65_535u, 65_535u, "65535x65535") })
                {
                    var copy = (byte[])file.Clone();
                    BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(16), w);
                    BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(20), h);
                    BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), PngCrc(copy.AsSpan(12, 17)));
                    yield return new Mutation($"png-ihdr-{name}", copy, CraftedHuge: true);
                }
                break;
            }
            case ".bmp":
            {
                // BITMAPINFOHEADER: width at 18, height at 22 (little-endian, height negative for top-down rows).
                foreach (var (w, h, name) in new[] { (60_000, 60_000, "60000x60000"), (100_000, 100_000, "100000x100000"), (65_536, int.MinValue + 1, "top-down-huge") })
                {
                    var copy = (byte[])file.Clone();
                    BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(18), w);
                    BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(22), h);
                    yield return new Mutation($"bmp-{name}", copy, CraftedHuge: true);
                }
                break;
            }
            case ".gif":
            {
                // Logical screen width and height at 6 and 8 (little-endian 16-bit).
                var copy = (byte[])file.Clone();
                BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(6), 65_535);
                BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(8), 65_535);
                yield return new Mutation("gif-screen-65535x65535", copy, CraftedHuge: true);
                break;
            }
            case ".jpg":
            {
                // The start-of-frame segment after FF C0 … FF C2: length (2 bytes), precision (1), height (2), width (2), all big-endian.
                int sof = IndexOfMarker(file, 0xC0, 0xC1, 0xC2);
                var copy = (byte[])file.Clone();
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 3), 65_535);
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 5), 65_535);
                yield return new Mutation("jpeg-sof-65535x65535", copy, CraftedHuge: true);
                break;
            }
            case ".webp":
            {
                // VP8L: after the chunk header and the 0x2f signature, 14 bits of width − 1 and 14 bits of height − 1.
                int chunk = IndexOf(file, "VP8L"u8) + 9;
                var copy = (byte[])file.Clone();
                uint bits = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(chunk));
                bits |= 0x0FFF_FFFFu;
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(chunk), bits);
                yield return new Mutation("webp-vp8l-16384x16384", copy, CraftedHuge: true);
                break;
            }
            default:
                throw new ArgumentException($"no crafted headers for {extension}", nameof(extension));
        }
    }

    /// <summary>The CRC-32 (ISO-HDLC, as PNG uses) of <paramref name="data"/>.</summary>
    private static uint PngCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFF_FFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320u : crc >> 1;
            }
        }
        return crc ^ 0xFFFF_FFFFu;
    }

    private static int IndexOfMarker(byte[] data, params byte[] markers)
    {
        for (int i = 0; i + 1 < data.Length; i++)
        {
            if (data[i] == 0xFF && markers.Contains(data[i + 1]))
            {
                return i + 2;
            }
        }
        throw new InvalidDataException("no JPEG start-of-frame marker");
    }

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> what)
    {
        int i = data.AsSpan().IndexOf(what);
        return i >= 0 ? i : throw new InvalidDataException($"no '{Encoding.ASCII.GetString(what)}' in the file");
    }
}
