using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Diffusion.IO;

/// <summary>Writes 8-bit, non-interlaced PNG files: signature, IHDR, one IDAT, IEND.</summary>
internal static class PngEncoder
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, PngColorType color, PngFilter filter, CompressionLevel level)
    {
        if (color == PngColorType.Palette)
        {
            throw new NotSupportedException("the encoder writes Gray, GrayAlpha, Rgb and Rgba; expand palette images to RGB first");
        }
        int channels = color.Channels();
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        long rowBytesLong = (long)width * channels;
        long expected = rowBytesLong * height;
        if (expected > Array.MaxLength)
        {
            throw new ArgumentException($"a {width}x{height} {color} image needs {expected} bytes, more than one array holds");
        }
        if (pixels.Length != expected)
        {
            throw new ArgumentException($"a {width}x{height} {color} image needs {expected} bytes ({channels} per pixel) but {pixels.Length} were given", nameof(pixels));
        }
        if (filter is < PngFilter.Adaptive or > PngFilter.Paeth)
        {
            throw new ArgumentOutOfRangeException(nameof(filter), filter, "unknown filter strategy");
        }

        int rowBytes = (int)rowBytesLong;
        using var idat = new MemoryStream(capacity: 8 + (int)Math.Min(expected / 2 + 64, int.MaxValue / 2));
        idat.Write(stackalloc byte[8]); // length and type, filled in below
        byte[] scratch = ArrayPool<byte>.Shared.Rent(6 * (rowBytes + 1));
        try
        {
            using (var z = new ZLibStream(idat, level, leaveOpen: true))
            {
                Span<byte> zeros = scratch.AsSpan(0, rowBytes);
                zeros.Clear();
                for (int y = 0; y < height; y++)
                {
                    ReadOnlySpan<byte> row = pixels.Slice(y * rowBytes, rowBytes);
                    ReadOnlySpan<byte> prior = y == 0 ? zeros : pixels.Slice((y - 1) * rowBytes, rowBytes);
                    z.Write(FilterRow(row, prior, channels, filter, scratch.AsSpan(rowBytes, 5 * (rowBytes + 1)), rowBytes));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        var idatBuffer = idat.GetBuffer().AsSpan(0, (int)idat.Length);
        int idatDataLength = idatBuffer.Length - 8;
        BinaryPrimitives.WriteInt32BigEndian(idatBuffer, idatDataLength);
        "IDAT"u8.CopyTo(idatBuffer[4..]);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;               // bit depth
        ihdr[9] = (byte)color;
        ihdr[10] = 0;              // compression: deflate
        ihdr[11] = 0;              // filter method 0
        ihdr[12] = 0;              // no interlace

        int total = Signature.Length + (12 + 13) + (idatBuffer.Length + 4) + 12;
        var result = new byte[total];
        var output = result.AsSpan();
        Signature.CopyTo(output);
        int at = Signature.Length;
        at += WriteChunk(output[at..], "IHDR"u8, ihdr);
        idatBuffer.CopyTo(output[at..]);
        BinaryPrimitives.WriteUInt32BigEndian(output[(at + idatBuffer.Length)..], Crc32.Compute(idatBuffer[4..]));
        at += idatBuffer.Length + 4;
        at += WriteChunk(output[at..], "IEND"u8, []);
        System.Diagnostics.Debug.Assert(at == total);
        return result;
    }

    /// <summary>Filters one row; returns the filter byte followed by the filtered samples.</summary>
    private static ReadOnlySpan<byte> FilterRow(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, PngFilter filter, Span<byte> candidates, int rowBytes)
    {
        int stride = rowBytes + 1;
        if (filter != PngFilter.Adaptive)
        {
            var output = candidates[..stride];
            output[0] = (byte)filter;
            PngFilters.Filter((byte)filter, row, prior, bpp, output[1..]);
            return output;
        }

        int best = 0;
        long bestScore = long.MaxValue;
        for (byte type = PngFilters.None; type <= PngFilters.Paeth; type++)
        {
            var output = candidates.Slice(type * stride, stride);
            output[0] = type;
            PngFilters.Filter(type, row, prior, bpp, output[1..]);
            long score = PngFilters.Score(output[1..]);
            if (score < bestScore)
            {
                bestScore = score;
                best = type;
            }
        }
        return candidates.Slice(best * stride, stride);
    }

    /// <summary>Writes length, type, data and CRC; returns the bytes written.</summary>
    private static int WriteChunk(Span<byte> output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteInt32BigEndian(output, data.Length);
        type.CopyTo(output[4..]);
        data.CopyTo(output[8..]);
        uint crc = Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, type), data));
        BinaryPrimitives.WriteUInt32BigEndian(output[(8 + data.Length)..], crc);
        return 12 + data.Length;
    }
}
