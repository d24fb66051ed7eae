using System.Runtime.CompilerServices;

namespace Diffusion.IO;

/// <summary>
/// The five PNG row filters (None, Sub, Up, Average, Paeth) and their inverses. A filtered byte is
/// <c>x - predictor(a, b, c)</c> mod 256, where a is the byte <c>bpp</c> to the left, b the byte above
/// and c the byte above-left (0 outside the image).
/// </summary>
internal static class PngFilters
{
    /// <summary>Filter type codes as stored before each row.</summary>
    public const byte None = 0, Sub = 1, Up = 2, Average = 3, Paeth = 4;

    /// <summary>The Paeth predictor: whichever of a, b, c is closest to a + b - c (ties prefer a, then b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte PaethPredictor(byte a, byte b, byte c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a);
        int pb = Math.Abs(p - b);
        int pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }
        return pb <= pc ? b : c;
    }

    /// <summary>Undoes filter <paramref name="type"/> in place on <paramref name="row"/>, given the already-unfiltered <paramref name="prior"/> row (all zeros for the first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfilter(byte type, Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        int n = row.Length;
        switch (type)
        {
            case None:
                break;
            case Sub:
                for (int i = bpp; i < n; i++)
                {
                    row[i] += row[i - bpp];
                }
                break;
            case Up:
                for (int i = 0; i < n; i++)
                {
                    row[i] += prior[i];
                }
                break;
            case Average:
                for (int i = 0; i < bpp; i++)
                {
                    row[i] += (byte)(prior[i] >> 1);
                }
                for (int i = bpp; i < n; i++)
                {
                    row[i] += (byte)((row[i - bpp] + prior[i]) >> 1);
                }
                break;
            case Paeth:
                for (int i = 0; i < bpp; i++)
                {
                    row[i] += prior[i];
                }
                for (int i = bpp; i < n; i++)
                {
                    row[i] += PaethPredictor(row[i - bpp], prior[i], prior[i - bpp]);
                }
                break;
            default:
                throw new InvalidDataException($"unknown PNG filter type {type} (valid: 0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth)");
        }
    }

    /// <summary>Writes <paramref name="row"/> filtered with <paramref name="type"/> into <paramref name="output"/> (same length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Filter(byte type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> output)
    {
        int n = row.Length;
        switch (type)
        {
            case None:
                row.CopyTo(output);
                break;
            case Sub:
                row[..bpp].CopyTo(output);
                for (int i = bpp; i < n; i++)
                {
                    output[i] = (byte)(row[i] - row[i - bpp]);
                }
                break;
            case Up:
                for (int i = 0; i < n; i++)
                {
                    output[i] = (byte)(row[i] - prior[i]);
                }
                break;
            case Average:
                for (int i = 0; i < bpp; i++)
                {
                    output[i] = (byte)(row[i] - (prior[i] >> 1));
                }
                for (int i = bpp; i < n; i++)
                {
                    output[i] = (byte)(row[i] - ((row[i - bpp] + prior[i]) >> 1));
                }
                break;
            case Paeth:
                for (int i = 0; i < bpp; i++)
                {
                    output[i] = (byte)(row[i] - prior[i]);
                }
                for (int i = bpp; i < n; i++)
                {
                    output[i] = (byte)(row[i] - PaethPredictor(row[i - bpp], prior[i], prior[i - bpp]));
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "PNG filter types are 0 to 4");
        }
    }

    /// <summary>The minimum-sum-of-absolute-differences score: the filtered bytes read as signed values, summed in magnitude.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Score(ReadOnlySpan<byte> filtered)
    {
        long sum = 0;
        foreach (byte b in filtered)
        {
            sum += Math.Abs((int)(sbyte)b);
        }
        return sum;
    }
}
