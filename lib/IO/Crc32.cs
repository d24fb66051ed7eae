using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Diffusion.IO;

/// <summary>
/// CRC-32 as PNG, zip and gzip use it: the reflected polynomial 0xEDB88320, initial value and final
/// XOR 0xFFFFFFFF. Table-driven, eight bytes per step ("slicing-by-8").
/// </summary>
public static class Crc32
{
    // Tables[k][b]: the CRC register change of byte b followed by k zero bytes.
    private static readonly uint[] Tables = BuildTables();

    /// <summary>The register value before any byte is fed in.</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>Feeds <paramref name="data"/> into a running register (start with <see cref="Start"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Update(uint register, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<uint> t = Tables;
        while (data.Length >= 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ register;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            register = t[(7 * 256) + (int)(lo & 0xFF)] ^ t[(6 * 256) + (int)((lo >> 8) & 0xFF)]
                     ^ t[(5 * 256) + (int)((lo >> 16) & 0xFF)] ^ t[(4 * 256) + (int)(lo >> 24)]
                     ^ t[(3 * 256) + (int)(hi & 0xFF)] ^ t[(2 * 256) + (int)((hi >> 8) & 0xFF)]
                     ^ t[256 + (int)((hi >> 16) & 0xFF)] ^ t[(int)(hi >> 24)];
            data = data[8..];
        }
        foreach (byte b in data)
        {
            register = t[(int)((register ^ b) & 0xFF)] ^ (register >> 8);
        }
        return register;
    }

    /// <summary>Turns a running register into the checksum (the final XOR).</summary>
    public static uint Finish(uint register) => register ^ 0xFFFFFFFFu;

    private static uint[] BuildTables()
    {
        var t = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            t[n] = c;
        }
        for (int k = 1; k < 8; k++)
        {
            for (int n = 0; n < 256; n++)
            {
                uint prev = t[((k - 1) * 256) + n];
                t[(k * 256) + n] = t[(int)(prev & 0xFF)] ^ (prev >> 8);
            }
        }
        return t;
    }
}
