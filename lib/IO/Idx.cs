using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.IO;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST: magic <c>00 00 type ndim</c>, <c>ndim</c> big-endian
/// 32-bit sizes, then the big-endian elements. Gzipped files (magic <c>1f 8b</c>) are inflated on the fly.
/// </summary>
/// <remarks>
/// Type codes and the tensor dtype they load as: 0x08 unsigned byte (uint8, <c>ScalarType.Byte</c>), 0x09 signed byte (int8),
/// 0x0B short (int16), 0x0C int (int32), 0x0D float (float32), 0x0E double (float64).
/// </remarks>
public static class Idx
{
    /// <summary>Reads an IDX file (gzipped or not) into a CPU tensor, registered in the caller's dispose scope (or owned by the caller).</summary>
    /// <exception cref="InvalidDataException">A wrong magic, an unknown type code, a truncated file (naming the expected and actual sizes) or trailing bytes.</exception>
    public static Tensor Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Read(file, path);
    }

    /// <summary>Reads IDX data from <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    public static Tensor Read(Stream stream, string name = "IDX stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        Span<byte> magic = stackalloc byte[2];
        long start = stream.Position;
        int got = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        stream.Position = start;
        if (got == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            using var inflated = Gunzip(stream, name);
            return ReadRaw(inflated, name + " (gzip)");
        }
        return ReadRaw(stream, name);
    }

    /// <summary>Inflates a single-member gzip file and checks its trailer (CRC-32 and length), which GZipStream does not.</summary>
    private static MemoryStream Gunzip(Stream stream, string name)
    {
        long start = stream.Position;
        long length = stream.Length - start;
        if (length < 18)
        {
            throw new InvalidDataException($"{name}: truncated gzip file: {length} bytes, fewer than a gzip header and trailer");
        }
        Span<byte> trailer = stackalloc byte[8];
        stream.Position = start + length - 8;
        stream.ReadExactly(trailer);
        stream.Position = start;
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);

        // The trailer's length (mod 2^32) sizes the buffer once, when it is plausible.
        var inflated = new MemoryStream(size <= Math.Min(Array.MaxLength, length * 1040L) ? (int)size : 0);
        try
        {
            using (var gz = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true))
            {
                gz.CopyTo(inflated);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InvalidDataException($"{name}: the gzip data is damaged ({e.Message})", e);
        }
        var data = inflated.GetBuffer().AsSpan(0, (int)inflated.Length);
        uint actual = Crc32.Compute(data);
        if (crc != actual || size != (uint)data.Length)
        {
            throw new InvalidDataException($"{name}: truncated or damaged gzip file: the trailer says {size} bytes with CRC-32 0x{crc:X8}, the data inflates to {data.Length} bytes with CRC-32 0x{actual:X8}");
        }
        inflated.Position = 0;
        return inflated;
    }

    private static Tensor ReadRaw(Stream s, string name)
    {
        Span<byte> head = stackalloc byte[4];
        int got = s.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (got < 4)
        {
            throw new InvalidDataException($"{name}: truncated IDX file: {got} bytes, fewer than the 4-byte magic");
        }
        if (head[0] != 0 || head[1] != 0)
        {
            throw new InvalidDataException($"{name}: not an IDX file: magic is {Convert.ToHexString(head)}, expected 0000<type><ndim>");
        }
        var (dtype, size) = head[2] switch
        {
            0x08 => (ScalarType.Byte, 1),
            0x09 => (ScalarType.Int8, 1),
            0x0B => (ScalarType.Int16, 2),
            0x0C => (ScalarType.Int32, 4),
            0x0D => (ScalarType.Float32, 4),
            0x0E => (ScalarType.Float64, 8),
            _ => throw new InvalidDataException($"{name}: unknown IDX type code 0x{head[2]:X2} (valid: 08 ubyte, 09 byte, 0B short, 0C int, 0D float, 0E double)"),
        };
        int ndim = head[3];
        var dimBytes = new byte[4 * ndim];
        got = s.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
        if (got < dimBytes.Length)
        {
            throw new InvalidDataException($"{name}: truncated IDX file: {ndim} dimensions need {dimBytes.Length} header bytes after the magic, found {got}");
        }
        var shape = new long[ndim];
        long count = 1;
        for (int i = 0; i < ndim; i++)
        {
            shape[i] = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
            count *= shape[i];
            if (count * size > Array.MaxLength)
            {
                throw new InvalidDataException($"{name}: shape {Shapes.Format(shape.AsSpan(0, i + 1))} is too large to load into one array");
            }
        }

        long expected = count * size;
        var data = new byte[expected];
        got = s.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < expected)
        {
            throw new InvalidDataException($"{name}: truncated IDX file: shape {Shapes.Format(shape)} of {TypeName(dtype)} needs {expected} data bytes, found {got}");
        }
        Span<byte> probe = stackalloc byte[1];
        if (s.Read(probe) != 0)
        {
            throw new InvalidDataException($"{name}: the IDX file is longer than its header says: shape {Shapes.Format(shape)} of {TypeName(dtype)} needs {expected} data bytes, but more follow");
        }

        // IDX is big-endian; swap to the host's order (a no-op on big-endian hosts).
        switch (BitConverter.IsLittleEndian ? size : 1)
        {
            case 2:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, short>(data.AsSpan()), MemoryMarshal.Cast<byte, short>(data.AsSpan()));
                break;
            case 4:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(data.AsSpan()), MemoryMarshal.Cast<byte, int>(data.AsSpan()));
                break;
            case 8:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, long>(data.AsSpan()), MemoryMarshal.Cast<byte, long>(data.AsSpan()));
                break;
        }
        return ToTensor(data, dtype, shape);
    }

    /// <summary>The tensor of <paramref name="dtype"/> and <paramref name="shape"/> over <paramref name="data"/> (native byte order), sharing the array.</summary>
    private static Tensor ToTensor(byte[] data, ScalarType dtype, long[] shape)
    {
        Tensor flat = dtype switch
        {
            ScalarType.Byte => torch.from_array(data),
            ScalarType.Int8 => torch.from_array(MemoryMarshal.Cast<byte, sbyte>(data).ToArray()),
            ScalarType.Int16 => torch.from_array(MemoryMarshal.Cast<byte, short>(data).ToArray()),
            ScalarType.Int32 => torch.from_array(MemoryMarshal.Cast<byte, int>(data).ToArray()),
            ScalarType.Float32 => torch.from_array(MemoryMarshal.Cast<byte, float>(data).ToArray()),
            ScalarType.Float64 => torch.from_array(MemoryMarshal.Cast<byte, double>(data).ToArray()),
            _ => throw new NotSupportedException($"IDX has no {dtype} type"),
        };
        using (flat)
        {
            return flat.reshape(shape);
        }
    }

    private static string TypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Byte => "uint8",
        ScalarType.Int8 => "int8",
        ScalarType.Int16 => "int16",
        ScalarType.Int32 => "int32",
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        _ => dtype.ToString(),
    };
}
