namespace Diffusion.IO;

/// <summary>
/// CRC-32 as PNG (and zip, gzip) use it: the reflected polynomial 0xEDB88320, initial value and final
/// XOR 0xFFFFFFFF. Table-driven, one byte at a time (fast enough for chunk checks).
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>The register value before any byte is fed in.</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>Feeds <paramref name="data"/> into a running register (start with <see cref="Start"/>).</summary>
    public static uint Update(uint register, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (byte b in data)
        {
            register = table[(register ^ b) & 0xFF] ^ (register >> 8);
        }
        return register;
    }

    /// <summary>Turns a running register into the checksum (the final XOR).</summary>
    public static uint Finish(uint register) => register ^ 0xFFFFFFFFu;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
