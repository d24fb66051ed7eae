using System.Buffers.Binary;
using System.IO.Compression;

namespace Diffusion.Tests.Data;

/// <summary>Writes small unsigned-byte IDX files for the loader tests.</summary>
internal static class IdxWriter
{
    public static void Write(string path, int[] shape, byte[] data, bool gzip)
    {
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), shape[i]);
        }
        data.CopyTo(bytes, 4 + 4 * shape.Length);
        using var file = File.Create(path);
        if (gzip)
        {
            using var gz = new GZipStream(file, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        else
        {
            file.Write(bytes);
        }
    }
}
