using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;

namespace Diffusion.IO;

/// <summary>
/// Reads PNG files into 8-bit <see cref="PngImage"/>s. Handles every standard colour type and bit depth,
/// palettes with tRNS, all five filters, any number of IDAT chunks and Adam7 interlacing; checks every CRC.
/// </summary>
internal static class PngDecoder
{
    private readonly record struct Header(int Width, int Height, int BitDepth, PngColorType Color, bool Interlaced);

    // Adam7 passes: first row, first column, row step, column step.
    private static readonly int[] PassRow = [0, 0, 4, 0, 2, 0, 1];
    private static readonly int[] PassCol = [0, 4, 0, 2, 0, 1, 0];
    private static readonly int[] PassRowStep = [8, 8, 8, 4, 4, 2, 2];
    private static readonly int[] PassColStep = [8, 8, 4, 4, 2, 2, 1];

    public static PngImage Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8 || !data[..8].SequenceEqual(PngEncoder.Signature))
        {
            throw new InvalidDataException(data.Length < 8
                ? $"not a PNG file: {data.Length} bytes is shorter than the 8-byte signature"
                : "not a PNG file: the 8-byte PNG signature (89 50 4E 47 0D 0A 1A 0A) is missing");
        }

        Header? header = null;
        byte[]? palette = null;       // RGB triples
        byte[]? transparency = null;  // tRNS payload
        var idat = new List<Range>();
        long idatLength = 0;
        int pos = 8;
        while (true)
        {
            if (data.Length - pos < 12)
            {
                throw new InvalidDataException($"truncated PNG: a chunk at offset {pos} needs at least 12 bytes but {data.Length - pos} remain (no IEND chunk)");
            }
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var type = data.Slice(pos + 4, 4);
            string name = ChunkName(type);
            if (length > int.MaxValue)
            {
                throw new InvalidDataException($"corrupt PNG: chunk '{name}' at offset {pos} declares length {length}, above the 2^31-1 limit");
            }
            if (data.Length - pos - 12 < length)
            {
                throw new InvalidDataException($"truncated PNG: chunk '{name}' at offset {pos} declares {length} data bytes but only {Math.Max(0, data.Length - pos - 12)} remain before its CRC");
            }
            var body = data.Slice(pos + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)length)..]);
            uint computed = Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, type), body));
            if (stored != computed)
            {
                throw new InvalidDataException($"corrupt PNG: CRC mismatch in chunk '{name}' at offset {pos} (stored 0x{stored:X8}, computed 0x{computed:X8})");
            }

            if (header is null && name != "IHDR")
            {
                throw new InvalidDataException($"corrupt PNG: the first chunk must be IHDR but is '{name}'");
            }
            switch (name)
            {
                case "IHDR":
                    if (header is not null)
                    {
                        throw new InvalidDataException("corrupt PNG: more than one IHDR chunk");
                    }
                    header = ReadHeader(body);
                    break;
                case "PLTE":
                    if (length % 3 != 0 || length == 0 || length > 768)
                    {
                        throw new InvalidDataException($"corrupt PNG: PLTE holds {length} bytes; it must be 3 to 768 bytes, a multiple of 3");
                    }
                    palette = body.ToArray();
                    break;
                case "tRNS":
                    transparency = body.ToArray();
                    break;
                case "IDAT":
                    idat.Add(new Range(pos + 8, pos + 8 + (int)length));
                    idatLength += length;
                    break;
                case "IEND":
                    return Finish(data, header!.Value, palette, transparency, idat, idatLength);
                default:
                    if ((type[0] & 0x20) == 0)
                    {
                        throw new NotSupportedException($"PNG has an unknown critical chunk '{name}' at offset {pos}");
                    }
                    break; // ancillary chunks (gAMA, tEXt, pHYs, ...) are skipped
            }
            pos += 12 + (int)length;
        }
    }

    private static string ChunkName(ReadOnlySpan<byte> type)
    {
        foreach (byte b in type)
        {
            if (b is < (byte)'A' or > (byte)'z' or (> (byte)'Z' and < (byte)'a'))
            {
                return "0x" + Convert.ToHexString(type);
            }
        }
        return Encoding.ASCII.GetString(type);
    }

    private static Header ReadHeader(ReadOnlySpan<byte> body)
    {
        if (body.Length != 13)
        {
            throw new InvalidDataException($"corrupt PNG: IHDR holds {body.Length} bytes instead of 13");
        }
        uint width = BinaryPrimitives.ReadUInt32BigEndian(body);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        int depth = body[8];
        var color = (PngColorType)body[9];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw new InvalidDataException($"corrupt PNG: image size {width}x{height} (each side must be 1 to 2^31-1)");
        }
        bool depthOk = color switch
        {
            PngColorType.Gray => depth is 1 or 2 or 4 or 8 or 16,
            PngColorType.Palette => depth is 1 or 2 or 4 or 8,
            PngColorType.Rgb or PngColorType.GrayAlpha or PngColorType.Rgba => depth is 8 or 16,
            _ => throw new InvalidDataException($"corrupt PNG: unknown colour type {body[9]} (valid: 0, 2, 3, 4, 6)"),
        };
        if (!depthOk)
        {
            throw new InvalidDataException($"corrupt PNG: bit depth {depth} is not allowed for colour type {color}");
        }
        if (body[10] != 0 || body[11] != 0)
        {
            throw new InvalidDataException($"corrupt PNG: compression method {body[10]} / filter method {body[11]} (only 0 / 0 exist)");
        }
        if (body[12] > 1)
        {
            throw new InvalidDataException($"corrupt PNG: interlace method {body[12]} (valid: 0 none, 1 Adam7)");
        }
        return new Header((int)width, (int)height, depth, color, body[12] == 1);
    }

    private static PngImage Finish(ReadOnlySpan<byte> data, Header h, byte[]? palette, byte[]? transparency, List<Range> idat, long idatLength)
    {
        if (idat.Count == 0)
        {
            throw new InvalidDataException("corrupt PNG: no IDAT chunk");
        }
        if (h.Color == PngColorType.Palette && palette is null)
        {
            throw new InvalidDataException("corrupt PNG: a palette image without a PLTE chunk");
        }
        var layout = new PixelLayout(h, palette, transparency);
        long outLength = (long)h.Width * h.Height * layout.OutChannels;
        if (outLength > Array.MaxLength)
        {
            throw new NotSupportedException($"a {h.Width}x{h.Height} PNG needs {outLength} bytes decoded, more than one array holds");
        }

        // Raw (filtered) size: per pass, rows of (1 filter byte + packed samples).
        long rawLength = 0;
        int passes = h.Interlaced ? 7 : 1;
        for (int p = 0; p < passes; p++)
        {
            var (w, hh) = PassSize(h, p);
            if (w > 0 && hh > 0)
            {
                rawLength += hh * (1 + RowBytes(w, layout.BitsPerPixel));
            }
        }
        if (rawLength > Array.MaxLength)
        {
            throw new NotSupportedException($"a {h.Width}x{h.Height} PNG has {rawLength} bytes of filtered data, more than one array holds");
        }

        // Deflate expands at most about 1032:1, so a short IDAT cannot hold a huge image: fail before allocating.
        if (rawLength > idatLength * 1040 + 1024)
        {
            throw new InvalidDataException($"truncated PNG: {idatLength} bytes of IDAT data cannot inflate to the {rawLength} bytes a {h.Width}x{h.Height} {h.Color} image at {h.BitDepth} bits needs");
        }

        byte[] compressed = ArrayPool<byte>.Shared.Rent((int)idatLength);
        byte[] raw = ArrayPool<byte>.Shared.Rent((int)rawLength);
        try
        {
            int at = 0;
            foreach (var r in idat)
            {
                data[r].CopyTo(compressed.AsSpan(at));
                at += data[r].Length;
            }
            Inflate(compressed, (int)idatLength, raw, (int)rawLength, h);

            var pixels = new byte[outLength];
            int offset = 0;
            for (int p = 0; p < passes; p++)
            {
                var (w, hh) = PassSize(h, p);
                if (w == 0 || hh == 0)
                {
                    continue;
                }
                int rowBytes = RowBytes(w, layout.BitsPerPixel);
                int used = hh * (1 + rowBytes);
                DecodePass(raw.AsSpan(offset, used), w, hh, rowBytes, layout, pixels, h, p);
                offset += used;
            }
            return new PngImage(h.Width, h.Height, layout.OutChannels, pixels);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    private static void Inflate(byte[] compressed, int compressedLength, byte[] raw, int rawLength, Header h)
    {
        int got;
        try
        {
            using var input = new MemoryStream(compressed, 0, compressedLength, writable: false);
            using var z = new ZLibStream(input, CompressionMode.Decompress);
            got = z.ReadAtLeast(raw.AsSpan(0, rawLength), rawLength, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException) // IOException: zlib's ZLibException for some damaged streams
        {
            throw new InvalidDataException($"corrupt PNG: the IDAT zlib stream is damaged ({e.Message})", e);
        }
        if (got < rawLength)
        {
            throw new InvalidDataException($"truncated PNG: the IDAT data inflates to {got} bytes but a {h.Width}x{h.Height} {h.Color} image at {h.BitDepth} bits{(h.Interlaced ? " (Adam7)" : "")} needs {rawLength}");
        }
    }

    private static (int Width, int Height) PassSize(Header h, int pass)
    {
        if (!h.Interlaced)
        {
            return (h.Width, h.Height);
        }
        int w = h.Width <= PassCol[pass] ? 0 : (h.Width - PassCol[pass] + PassColStep[pass] - 1) / PassColStep[pass];
        int hh = h.Height <= PassRow[pass] ? 0 : (h.Height - PassRow[pass] + PassRowStep[pass] - 1) / PassRowStep[pass];
        return (w, hh);
    }

    private static int RowBytes(int width, int bitsPerPixel) => checked((int)(((long)width * bitsPerPixel + 7) / 8));

    private static void DecodePass(Span<byte> raw, int w, int hh, int rowBytes, PixelLayout layout, byte[] pixels, Header h, int pass)
    {
        int bpp = Math.Max(1, layout.BitsPerPixel / 8);
        int outChannels = layout.OutChannels;
        byte[] zeros = ArrayPool<byte>.Shared.Rent(rowBytes);
        byte[]? expanded = h.Interlaced ? ArrayPool<byte>.Shared.Rent(w * outChannels) : null;
        try
        {
            Array.Clear(zeros, 0, rowBytes);
            ReadOnlySpan<byte> prior = zeros.AsSpan(0, rowBytes);
            for (int y = 0; y < hh; y++)
            {
                var line = raw.Slice(y * (1 + rowBytes), 1 + rowBytes);
                var row = line[1..];
                try
                {
                    PngFilters.Unfilter(line[0], row, prior, bpp);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"corrupt PNG: {e.Message} at row {y}{(h.Interlaced ? $" of Adam7 pass {pass + 1}" : "")}", e);
                }
                prior = row;

                if (!h.Interlaced)
                {
                    layout.Expand(row, w, pixels.AsSpan(y * w * outChannels, w * outChannels));
                    continue;
                }
                var e8 = expanded.AsSpan(0, w * outChannels);
                layout.Expand(row, w, e8);
                int outY = PassRow[pass] + y * PassRowStep[pass];
                for (int x = 0; x < w; x++)
                {
                    int outX = PassCol[pass] + x * PassColStep[pass];
                    e8.Slice(x * outChannels, outChannels).CopyTo(pixels.AsSpan(((outY * h.Width) + outX) * outChannels));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(zeros);
            if (expanded is not null)
            {
                ArrayPool<byte>.Shared.Return(expanded);
            }
        }
    }

    /// <summary>How stored samples map to 8-bit output channels.</summary>
    private sealed class PixelLayout
    {
        private readonly PngColorType _color;
        private readonly int _depth;
        private readonly byte[]? _palette;
        private readonly byte[]? _alpha;        // palette alpha per entry
        private readonly int _keyGray = -1;     // grey value that tRNS makes transparent
        private readonly int _keyR = -1, _keyG = -1, _keyB = -1;

        public PixelLayout(Header h, byte[]? palette, byte[]? trns)
        {
            _color = h.Color;
            _depth = h.BitDepth;
            _palette = palette;
            int stored = h.Color.Channels();
            BitsPerPixel = stored * h.BitDepth;
            bool alphaFromTrns = false;
            if (trns is not null)
            {
                switch (h.Color)
                {
                    case PngColorType.Palette:
                        int entries = palette!.Length / 3;
                        if (trns.Length > entries)
                        {
                            throw new InvalidDataException($"corrupt PNG: tRNS has {trns.Length} entries but PLTE only {entries}");
                        }
                        _alpha = new byte[256];
                        Array.Fill(_alpha, (byte)255);
                        trns.CopyTo(_alpha, 0);
                        alphaFromTrns = true;
                        break;
                    case PngColorType.Gray:
                        RequireLength(trns, 2, h.Color);
                        _keyGray = BinaryPrimitives.ReadUInt16BigEndian(trns);
                        alphaFromTrns = true;
                        break;
                    case PngColorType.Rgb:
                        RequireLength(trns, 6, h.Color);
                        _keyR = BinaryPrimitives.ReadUInt16BigEndian(trns);
                        _keyG = BinaryPrimitives.ReadUInt16BigEndian(trns.AsSpan(2));
                        _keyB = BinaryPrimitives.ReadUInt16BigEndian(trns.AsSpan(4));
                        alphaFromTrns = true;
                        break;
                    default:
                        break; // grey+alpha and RGBA have their own alpha: a stray tRNS is ignored, as libpng does
                }
            }
            OutChannels = h.Color switch
            {
                PngColorType.Palette => alphaFromTrns ? 4 : 3,
                PngColorType.Gray => alphaFromTrns ? 2 : 1,
                PngColorType.Rgb => alphaFromTrns ? 4 : 3,
                _ => stored,
            };
        }

        public int BitsPerPixel { get; }

        public int OutChannels { get; }

        private static void RequireLength(byte[] trns, int length, PngColorType color)
        {
            if (trns.Length != length)
            {
                throw new InvalidDataException($"corrupt PNG: tRNS for colour type {color} must hold {length} bytes, not {trns.Length}");
            }
        }

        /// <summary>Expands one unfiltered row of <paramref name="width"/> pixels into 8-bit samples.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Expand(ReadOnlySpan<byte> row, int width, Span<byte> output)
        {
            int storedChannels = _color.Channels();
            if (_depth == 8 && _color != PngColorType.Palette && OutChannels == storedChannels)
            {
                row[..output.Length].CopyTo(output);
                return;
            }
            if (_depth == 16 && OutChannels == storedChannels)
            {
                // 16 -> 8 bits: keep the high byte (as libpng's png_set_strip_16 does).
                for (int i = 0; i < output.Length; i++)
                {
                    output[i] = row[2 * i];
                }
                return;
            }

            switch (_color)
            {
                case PngColorType.Palette:
                    {
                        int entries = _palette!.Length / 3;
                        for (int x = 0; x < width; x++)
                        {
                            int index = Sample(row, x);
                            if (index >= entries)
                            {
                                throw new InvalidDataException($"corrupt PNG: palette index {index} but PLTE has {entries} entries");
                            }
                            var o = output.Slice(x * OutChannels, OutChannels);
                            o[0] = _palette[3 * index];
                            o[1] = _palette[3 * index + 1];
                            o[2] = _palette[3 * index + 2];
                            if (_alpha is not null)
                            {
                                o[3] = _alpha[index];
                            }
                        }
                        break;
                    }
                case PngColorType.Gray:
                    {
                        int max = (1 << _depth) - 1;
                        for (int x = 0; x < width; x++)
                        {
                            int v = Sample(row, x);
                            output[x * OutChannels] = To8(v, max);
                            if (OutChannels == 2)
                            {
                                output[x * 2 + 1] = v == _keyGray ? (byte)0 : (byte)255;
                            }
                        }
                        break;
                    }
                case PngColorType.Rgb:
                    {
                        // Only reached with a tRNS colour key: add an alpha channel.
                        for (int x = 0; x < width; x++)
                        {
                            int r = Sample(row, 3 * x), g = Sample(row, 3 * x + 1), b = Sample(row, 3 * x + 2);
                            var o = output.Slice(x * 4, 4);
                            o[0] = To8(r, 0xFF);
                            o[1] = To8(g, 0xFF);
                            o[2] = To8(b, 0xFF);
                            o[3] = r == _keyR && g == _keyG && b == _keyB ? (byte)0 : (byte)255;
                        }
                        break;
                    }
                default:
                    throw new InvalidOperationException($"unexpected PNG layout {_color} at {_depth} bits");
            }
        }

        /// <summary>Sample number <paramref name="i"/> of a row, at the file's bit depth.</summary>
        private int Sample(ReadOnlySpan<byte> row, int i) => _depth switch
        {
            8 => row[i],
            16 => (row[2 * i] << 8) | row[2 * i + 1],
            _ => (row[(i * _depth) >> 3] >> (8 - _depth - ((i * _depth) & 7))) & ((1 << _depth) - 1),
        };

        /// <summary>Scales a sample to 8 bits: low depths stretch to 0..255, 16 bits keep the high byte.</summary>
        private byte To8(int v, int lowDepthMax) => _depth switch
        {
            8 => (byte)v,
            16 => (byte)(v >> 8),
            _ => (byte)(v * 255 / lowDepthMax),
        };
    }
}
