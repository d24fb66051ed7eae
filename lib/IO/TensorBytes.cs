using System.Runtime.InteropServices;
using Diffusion.Tensors;

namespace Diffusion.IO;

/// <summary>Converts tensors to and from their raw little-endian element bytes (row-major).</summary>
internal static class TensorBytes
{
    /// <summary>Writes the element bytes of <paramref name="tensor"/> (moved to the CPU, made contiguous) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, Tensor tensor)
    {
        RequireLittleEndian();
        switch (tensor.DType)
        {
            case DType.Float64: Write<double>(stream, tensor); break;
            case DType.Float32: Write<float>(stream, tensor); break;
            case DType.Float16: Write<Half>(stream, tensor); break;
            case DType.Int64: Write<long>(stream, tensor); break;
            case DType.Int32: Write<int>(stream, tensor); break;
            case DType.Int16: Write<short>(stream, tensor); break;
            case DType.Int8: Write<sbyte>(stream, tensor); break;
            case DType.UInt8: Write<byte>(stream, tensor); break;
            case DType.Bool: Write<bool>(stream, tensor); break;
            case DType.BFloat16: stream.Write(BFloat16Bytes(tensor)); break;
            default: throw new NotSupportedException($"cannot serialise a {tensor.DType.TorchName()} tensor");
        }
    }

    /// <summary>A tensor of <paramref name="dtype"/> and <paramref name="shape"/> holding <paramref name="bytes"/>.</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> bytes, DType dtype, ReadOnlySpan<long> shape)
    {
        RequireLittleEndian();
        switch (dtype)
        {
            case DType.Float64: return Torch.FromSpan(MemoryMarshal.Cast<byte, double>(bytes), shape);
            case DType.Float32: return Torch.FromSpan(MemoryMarshal.Cast<byte, float>(bytes), shape);
            case DType.Float16: return Torch.FromSpan(MemoryMarshal.Cast<byte, Half>(bytes), shape);
            case DType.Int64: return Torch.FromSpan(MemoryMarshal.Cast<byte, long>(bytes), shape);
            case DType.Int32: return Torch.FromSpan(MemoryMarshal.Cast<byte, int>(bytes), shape);
            case DType.Int16: return Torch.FromSpan(MemoryMarshal.Cast<byte, short>(bytes), shape);
            case DType.Int8: return Torch.FromSpan(MemoryMarshal.Cast<byte, sbyte>(bytes), shape);
            case DType.UInt8: return Torch.FromSpan(bytes, shape);
            case DType.Bool:
                {
                    // Any non-zero byte is true; a .NET bool must hold exactly 0 or 1.
                    var flags = new bool[bytes.Length];
                    for (int i = 0; i < bytes.Length; i++)
                    {
                        flags[i] = bytes[i] != 0;
                    }
                    return Torch.FromSpan<bool>(flags, shape);
                }
            case DType.BFloat16:
                {
                    // bfloat16 is the high half of a float32, so widening and narrowing back is exact.
                    var bits = MemoryMarshal.Cast<byte, ushort>(bytes);
                    var floats = new float[bits.Length];
                    var floatBits = MemoryMarshal.Cast<float, uint>(floats.AsSpan());
                    for (int i = 0; i < bits.Length; i++)
                    {
                        floatBits[i] = (uint)bits[i] << 16;
                    }
                    using var wide = Torch.FromSpan<float>(floats, shape);
                    return wide.To(DType.BFloat16);
                }
            default:
                throw new NotSupportedException($"cannot read {dtype.TorchName()} tensors");
        }
    }

    private static byte[] BFloat16Bytes(Tensor tensor)
    {
        using var wide = tensor.To(DType.Float32);
        var floats = wide.ToArray<float>();
        var bits = MemoryMarshal.Cast<float, uint>(floats.AsSpan());
        var result = new byte[floats.Length * 2];
        var halves = MemoryMarshal.Cast<byte, ushort>(result.AsSpan());
        for (int i = 0; i < bits.Length; i++)
        {
            halves[i] = (ushort)(bits[i] >> 16);
        }
        return result;
    }

    private static void Write<T>(Stream stream, Tensor tensor) where T : unmanaged =>
        stream.Write(MemoryMarshal.AsBytes(tensor.ToArray<T>().AsSpan()));

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("tensor serialisation assumes a little-endian machine");
        }
    }
}
