using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using Diffusion.IO;
using Xunit.Abstractions;

namespace Diffusion.Tests.IO;

public class PngTests(ITestOutputHelper output)
{
    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "io", name);

    private static byte[] RandomPixels(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static TheoryData<PngColorType, int, int> RoundTripCases()
    {
        var data = new TheoryData<PngColorType, int, int>();
        foreach (var color in new[] { PngColorType.Gray, PngColorType.GrayAlpha, PngColorType.Rgb, PngColorType.Rgba })
        {
            data.Add(color, 1, 1);
            data.Add(color, 3, 5);
            data.Add(color, 37, 11);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RoundTripCases))]
    public void EncodeDecode_RoundTripsEveryColorTypeAndOddSizes(PngColorType color, int width, int height)
    {
        int channels = color.Channels();
        var pixels = RandomPixels(width * height * channels, width * 31 + height);
        var image = Png.Decode(Png.Encode(pixels, width, height, color));
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.Equal(channels, image.Channels);
        Assert.Equal(pixels, image.Pixels);
    }

    [Theory]
    [InlineData(PngFilter.None)]
    [InlineData(PngFilter.Sub)]
    [InlineData(PngFilter.Up)]
    [InlineData(PngFilter.Average)]
    [InlineData(PngFilter.Paeth)]
    [InlineData(PngFilter.Adaptive)]
    public void EncodeDecode_RoundTripsWithEachFilter(PngFilter filter)
    {
        var pixels = Gradient(23, 17, 3);
        var png = Png.Encode(pixels, 23, 17, PngColorType.Rgb, filter);
        Assert.Equal(pixels, Png.Decode(png).Pixels);
    }

    [Fact]
    public void Encode_AdaptiveFilterBeatsNoFilterOnSmoothImages()
    {
        var pixels = Gradient(64, 64, 3);
        int adaptive = Png.Encode(pixels, 64, 64, PngColorType.Rgb).Length;
        int none = Png.Encode(pixels, 64, 64, PngColorType.Rgb, PngFilter.None).Length;
        Assert.True(adaptive < none, $"adaptive {adaptive} bytes, unfiltered {none}");
    }

    [Fact]
    public void Encode_WritesAValidStructure()
    {
        var png = Png.Encode(new byte[] { 0, 255, 128, 7 }, 2, 2, PngColorType.Gray);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal("IEND"u8.ToArray(), png[^8..^4]);
        Assert.Equal(0xAE426082u, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(png.Length - 4))); // the CRC of every IEND
    }

    [Fact]
    public void Encode_ThrowsForWrongPixelCount()
    {
        var e = Assert.Throws<ArgumentException>(() => Png.Encode(new byte[10], 2, 2, PngColorType.Rgb));
        Assert.Contains("12", e.Message);
    }

    public static TheoryData<string> FixtureNames() => new()
    {
        "pil_gray.png", "pil_gray_alpha.png", "pil_rgb.png", "pil_rgba.png", "pil_palette.png",
        "pil_palette_trns.png", "pil_gray1.png", "pil_gray16.png", "hand_filters_rgb.png", "hand_rgba16.png",
        "hand_interlaced_rgb.png", "hand_interlaced_tiny_gray.png", "hand_interlaced_gray2.png", "hand_palette2_trns.png",
        "pil_rgb_trns.png", "pil_gray_trns.png",
    };

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Decode_MatchesPixelsWrittenByOtherEncoders(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(FixturePath("png_expected.json")));
        var want = json.RootElement.GetProperty(name);
        var image = Png.Load(FixturePath(name));
        Assert.Equal(want.GetProperty("width").GetInt32(), image.Width);
        Assert.Equal(want.GetProperty("height").GetInt32(), image.Height);
        Assert.Equal(want.GetProperty("channels").GetInt32(), image.Channels);
        var pixels = want.GetProperty("pixels").EnumerateArray().Select(e => (byte)e.GetInt32()).ToArray();
        Assert.Equal(pixels, image.Pixels);
    }

    [Fact]
    public void Decode_ThrowsForBadSignature()
    {
        var e = Assert.Throws<InvalidDataException>(() => Png.Decode("GIF89a not a png"u8));
        Assert.Contains("signature", e.Message);
    }

    [Fact]
    public void Decode_ThrowsForCrcMismatchNamingTheChunk()
    {
        var png = Png.Encode(Gradient(5, 5, 3), 5, 5, PngColorType.Rgb);
        png[20] ^= 1; // inside the IHDR data
        var e = Assert.Throws<InvalidDataException>(() => Png.Decode(png));
        Assert.Contains("CRC", e.Message);
        Assert.Contains("IHDR", e.Message);
    }

    [Fact]
    public void Decode_ThrowsInvalidDataForEveryTruncation()
    {
        var png = Png.Encode(Gradient(9, 7, 4), 9, 7, PngColorType.Rgba);
        for (int length = 0; length < png.Length; length++)
        {
            var e = Assert.Throws<InvalidDataException>(() => Png.Decode(png.AsSpan(0, length)));
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }
    }

    [Fact]
    public void Decode_ThrowsInvalidDataForCorruptZlibWithValidCrc()
    {
        var png = Png.Encode(Gradient(16, 16, 3), 16, 16, PngColorType.Rgb);
        int idat = 8 + 25; // signature + IHDR chunk
        int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(idat));
        for (int i = idat + 10; i < idat + 8 + length; i++)
        {
            png[i] ^= 0x5A;
        }
        uint crc = Crc32.Compute(png.AsSpan(idat + 4, 4 + length));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(idat + 8 + length), crc);
        var e = Assert.Throws<InvalidDataException>(() => Png.Decode(png));
        Assert.Contains("IDAT", e.Message);
    }

    [Fact]
    public void Decode_ThrowsForUnknownFilterType()
    {
        // A 1x1 grey image whose single row claims filter type 7.
        var png = Handmade(1, 1, 0, [7, 42]);
        var e = Assert.Throws<InvalidDataException>(() => Png.Decode(png));
        Assert.Contains("filter type 7", e.Message);
    }

    [Fact]
    public void Decode_NeverThrowsAnythingButInvalidDataOrNotSupported()
    {
        // Random damage to chunk bodies with the CRCs fixed up, so the damage reaches the parser and inflater.
        var rng = new Random(7);
        string[] names = ["pil_palette_trns.png", "hand_interlaced_rgb.png", "hand_rgba16.png", "hand_interlaced_gray2.png", "pil_gray_trns.png"];
        foreach (string name in names)
        {
            byte[] original = File.ReadAllBytes(FixturePath(name));
            for (int trial = 0; trial < 300; trial++)
            {
                byte[] png = (byte[])original.Clone();
                int flips = 1 + rng.Next(3);
                for (int k = 0; k < flips; k++)
                {
                    png[8 + rng.Next(png.Length - 8)] = (byte)rng.Next(256);
                }
                FixCrcs(png);
                try
                {
                    var image = Png.Decode(png);
                    Assert.Equal(image.Width * image.Height * image.Channels, image.Pixels.Length);
                }
                catch (Exception e) when (e is InvalidDataException or NotSupportedException)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                }
            }
        }
    }

    [Fact]
    public void Decode_RejectsAHugeHeaderBeforeAllocating()
    {
        // IHDR claims 30000 x 30000 grey (900 MB) but the IDAT holds a few bytes.
        var png = Handmade(1, 1, 0, [0, 42]);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 30000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 30000);
        FixCrcs(png);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Png.Decode(png));
        Assert.Contains("cannot inflate", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    /// <summary>Recomputes the CRC of every chunk (stops at the first chunk that runs past the end).</summary>
    private static void FixCrcs(byte[] png)
    {
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            if (pos + 12 + length > png.Length)
            {
                return;
            }
            uint crc = Crc32.Compute(png.AsSpan(pos + 4, 4 + (int)length));
            BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(pos + 8 + (int)length), crc);
            pos += 12 + (int)length;
        }
    }

    [Fact]
    public void Crc32_MatchesTheStandardCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void Crc32_AgreesWithTheBytewiseDefinitionAtEveryLengthAndSplit()
    {
        var data = RandomPixels(300, 5);
        for (int n = 0; n < data.Length; n += 13)
        {
            uint bitwise = 0xFFFFFFFFu;
            foreach (byte b in data.AsSpan(0, n))
            {
                bitwise ^= b;
                for (int k = 0; k < 8; k++)
                {
                    bitwise = (bitwise & 1) != 0 ? 0xEDB88320u ^ (bitwise >> 1) : bitwise >> 1;
                }
            }
            Assert.Equal(bitwise ^ 0xFFFFFFFFu, Crc32.Compute(data.AsSpan(0, n)));
            int split = n / 3;
            Assert.Equal(bitwise ^ 0xFFFFFFFFu, Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, data.AsSpan(0, split)), data.AsSpan(split, n - split))));
        }
    }

    [Fact]
    public void Save_WritesAFileThatLoads()
    {
        string dir = Directory.CreateTempSubdirectory("png-test").FullName;
        try
        {
            string path = Path.Combine(dir, "a.png");
            var pixels = Gradient(4, 3, 2);
            Png.Save(path, pixels, 4, 3, PngColorType.GrayAlpha);
            Assert.Equal(pixels, Png.Load(path).Pixels);
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void EncodeDecode_IsFast()
    {
        var small = Gradient(28, 28, 1);
        var large = Gradient(256, 256, 3);
        for (int i = 0; i < 3; i++)
        {
            Png.Decode(Png.Encode(small, 28, 28, PngColorType.Gray));
            Png.Decode(Png.Encode(large, 256, 256, PngColorType.Rgb));
        }
        var sw = Stopwatch.StartNew();
        const int n = 200;
        for (int i = 0; i < n; i++)
        {
            Png.Decode(Png.Encode(small, 28, 28, PngColorType.Gray));
        }
        double smallUs = sw.Elapsed.TotalMicroseconds / n;
        sw.Restart();
        var png = Png.Encode(large, 256, 256, PngColorType.Rgb);
        double encodeMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        Png.Decode(png);
        double decodeMs = sw.Elapsed.TotalMilliseconds;
        output.WriteLine($"28x28 grey encode+decode {smallUs:F1} us; 256x256 RGB encode {encodeMs:F2} ms ({png.Length} bytes), decode {decodeMs:F2} ms");
        // Bounds ~50x the unloaded timings (about 60 us, 5 ms, 0.5 ms): they catch an accidental
        // quadratic loop, not noise on a shared machine.
        Assert.True(smallUs < 5000, $"28x28 round trip {smallUs:F0} us");
        Assert.True(encodeMs < 500, $"256x256 RGB encode {encodeMs:F1} ms");
        Assert.True(decodeMs < 250, $"256x256 RGB decode {decodeMs:F1} ms");
    }

    internal static byte[] Gradient(int width, int height, int channels)
    {
        var pixels = new byte[width * height * channels];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    pixels[((y * width) + x) * channels + c] = (byte)(x * 5 + y * 3 + c * 60 + ((x * y) % 7));
                }
            }
        }
        return pixels;
    }

    /// <summary>A PNG with the given raw (already filtered) scanlines, for malformed cases.</summary>
    private static byte[] Handmade(int width, int height, byte color, byte[] raw)
    {
        using var body = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(body, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(raw);
        }
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = color;
        using var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(file, "IHDR"u8, ihdr);
        WriteChunk(file, "IDAT"u8, body.ToArray());
        WriteChunk(file, "IEND"u8, []);
        return file.ToArray();
    }

    private static void WriteChunk(Stream s, ReadOnlySpan<byte> type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        s.Write(four);
        s.Write(type);
        s.Write(data);
        var crcInput = new byte[4 + data.Length];
        type.CopyTo(crcInput);
        data.CopyTo(crcInput, 4);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32.Compute(crcInput));
        s.Write(four);
    }
}
