using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.IO;

/// <summary>Converts tensors to and from their raw little-endian element bytes (row-major), as safetensors stores them.</summary>
internal static class TensorBytes
{
    /// <summary>
    /// Writes the element bytes of <paramref name="tensor"/> to <paramref name="stream"/>, row-major: a CPU, contiguous copy is
    /// made when the tensor lives elsewhere or has other strides (a channels-last weight, a transposed view).
    /// </summary>
    public static void Write(Stream stream, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        RequireLittleEndian();
        _ = SafetensorsDTypes.Code(tensor.dtype);
        if (tensor.numel() == 0)
        {
            return;
        }
        using var scope = NewDisposeScope();
        var plain = tensor.detach();
        if (plain.device_type != DeviceType.CPU)
        {
            plain = plain.cpu();
        }
        if (!plain.is_contiguous())
        {
            plain = plain.contiguous();
        }
        ReadOnlySpan<byte> bytes = plain.bytes;
        // Spans stop at 2 GiB; larger tensors would have failed in bytes above.
        stream.Write(bytes);
    }

    /// <summary>A new CPU tensor of <paramref name="dtype"/> and <paramref name="shape"/> holding a copy of <paramref name="bytes"/>.</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape)
    {
        RequireLittleEndian();
        var result = Allocate(dtype, shape, bytes.Length);
        try
        {
            if (bytes.Length > 0)
            {
                Fill(result, bytes);
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>A new CPU tensor of <paramref name="dtype"/> and <paramref name="shape"/> filled from <paramref name="stream"/>.</summary>
    public static Tensor Read(Stream stream, ScalarType dtype, long[] shape, long byteCount)
    {
        RequireLittleEndian();
        var result = Allocate(dtype, shape, byteCount);
        try
        {
            if (byteCount > 0)
            {
                if (dtype == ScalarType.Bool)
                {
                    var buffer = new byte[byteCount];
                    stream.ReadExactly(buffer);
                    Fill(result, buffer);
                }
                else
                {
                    stream.ReadExactly(result.bytes);
                }
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static Tensor Allocate(ScalarType dtype, long[] shape, long byteCount)
    {
        long need = SafetensorsDTypes.ElementSize(dtype);
        foreach (long s in shape)
        {
            need = checked(need * s);
        }
        if (need != byteCount)
        {
            throw new ArgumentException($"{dtype} tensor of shape [{string.Join(", ", shape)}] needs {need} bytes, got {byteCount}");
        }
        if (byteCount > int.MaxValue)
        {
            throw new NotSupportedException($"tensors of more than 2 GiB are not supported ({byteCount} bytes)");
        }
        return empty(shape, dtype, CPU);
    }

    private static void Fill(Tensor result, ReadOnlySpan<byte> bytes)
    {
        if (result.dtype != ScalarType.Bool)
        {
            bytes.CopyTo(result.bytes);
            return;
        }
        // Any non-zero byte is true; libtorch's bool must hold exactly 0 or 1.
        var target = result.bytes;
        for (int i = 0; i < bytes.Length; i++)
        {
            target[i] = bytes[i] != 0 ? (byte)1 : (byte)0;
        }
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("tensor serialisation assumes a little-endian machine");
        }
    }
}
