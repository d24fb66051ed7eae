using System.IO.Compression;
using Diffusion.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.IO;

public sealed class IdxTests : IDisposable
{
    private const string FashionLabels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";

    private readonly string _dir = Directory.CreateTempSubdirectory("idx-test").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "io", name);

    [Fact]
    public void Read_LoadsFashionMnistTestLabels()
    {
        if (!File.Exists(FashionLabels))
        {
            return; // the dataset is only on machines that have it; the fixture tests below always run
        }
        using var labels = Idx.Read(FashionLabels);
        Assert.Equal(ScalarType.Byte, labels.dtype);
        Assert.Equal(new long[] { 10_000 }, labels.shape);
        var values = labels.data<byte>().ToArray();
        Assert.Equal(new byte[] { 9, 2, 1, 1, 6 }, values[..5]);
        Assert.All(values, v => Assert.InRange(v, (byte)0, (byte)9));
        Assert.All(Enumerable.Range(0, 10), k => Assert.Equal(1000, values.Count(v => v == k)));
    }

    [Fact]
    public void Read_LoadsFashionMnistTestImages()
    {
        const string images = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
        if (!File.Exists(images))
        {
            return;
        }
        using var t = Idx.Read(images);
        Assert.Equal(ScalarType.Byte, t.dtype);
        Assert.Equal(new long[] { 10_000, 28, 28 }, t.shape);
        var pixels = t.data<byte>().ToArray();
        Assert.Equal(0, pixels[0]);                       // the corners of clothing images are background
        Assert.Contains(pixels.AsSpan(0, 784).ToArray(), p => p > 200);
    }

    [Fact]
    public void Read_LoadsUnsignedBytesWithShape()
    {
        using var t = Idx.Read(FixturePath("small-ubyte.idx"));
        Assert.Equal(ScalarType.Byte, t.dtype);
        Assert.Equal(new long[] { 2, 3, 4 }, t.shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (byte)i).ToArray(), t.data<byte>().ToArray());
    }

    [Fact]
    public void Read_LoadsGzippedBigEndianFloats()
    {
        using var t = Idx.Read(FixturePath("small-float.idx.gz"));
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(new long[] { 2, 3 }, t.shape);
        Assert.Equal(new[] { 1.5f, -2.25f, 3e10f, 0f, -0f, 1e-7f }, t.data<float>().ToArray());
    }

    [Fact]
    public void Read_LoadsBigEndianInts()
    {
        using var t = Idx.Read(FixturePath("small-int.idx"));
        Assert.Equal(ScalarType.Int32, t.dtype);
        Assert.Equal(new[] { -1, 2, -300000, int.MaxValue }, t.data<int>().ToArray());
    }

    [Theory]
    [InlineData(0x09, new byte[] { 0xFF, 0x80 }, ScalarType.Int8)]
    [InlineData(0x0B, new byte[] { 0xFF, 0xFE, 0x01, 0x00 }, ScalarType.Int16)]
    [InlineData(0x0E, new byte[] { 0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18 }, ScalarType.Float64)]
    public void Read_HandlesEveryTypeCode(byte code, byte[] data, ScalarType dtype)
    {
        int size = dtype switch { ScalarType.Int8 => 1, ScalarType.Int16 => 2, _ => 8 };
        var file = new List<byte> { 0, 0, code, 1, 0, 0, 0, (byte)(data.Length / size) };
        file.AddRange(data);
        using var t = Idx.Read(new MemoryStream(file.ToArray()));
        Assert.Equal(dtype, t.dtype);
        using var d = t.to(float64);
        double[] want = dtype switch
        {
            ScalarType.Int8 => [-1, -128],
            ScalarType.Int16 => [-2, 256],
            _ => [Math.PI],
        };
        Assert.Equal(want, d.data<double>().ToArray());
    }

    [Fact]
    public void Read_ThrowsForAWrongMagic()
    {
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream([0x50, 0x4B, 3, 4, 0, 0, 0, 0]), "x.idx"));
        Assert.Contains("magic", e.Message);
        Assert.Contains("x.idx", e.Message);
        e = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream([0, 0, 0x0A, 1, 0, 0, 0, 0])));
        Assert.Contains("type code 0x0A", e.Message);
    }

    [Fact]
    public void Read_ThrowsForATruncatedFileNamingExpectedAndActualSizes()
    {
        byte[] file = File.ReadAllBytes(FixturePath("small-ubyte.idx"));
        string path = Path.Combine(_dir, "cut.idx");
        File.WriteAllBytes(path, file[..^4]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        Assert.Contains("needs 24 data bytes, found 20", e.Message);
        Assert.Contains(path, e.Message);

        File.WriteAllBytes(path, file[..6]);
        e = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        Assert.Contains("need 12 header bytes", e.Message);

        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gz.Write(file[..^1]);
        }
        e = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        Assert.Contains("needs 24 data bytes, found 23", e.Message);
    }

    [Fact]
    public void Read_ThrowsInvalidDataForEveryTruncationOfAGzippedFile()
    {
        byte[] file = File.ReadAllBytes(FixturePath("small-float.idx.gz"));
        for (int length = 0; length < file.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(file[..length])));
        }
    }

    [Fact]
    public void Read_ThrowsForTrailingBytes()
    {
        byte[] file = [.. File.ReadAllBytes(FixturePath("small-ubyte.idx")), 0];
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(file)));
        Assert.Contains("longer than its header says", e.Message);
    }

    [Fact]
    public void Read_ThrowsForADamagedGzipStream()
    {
        byte[] file = File.ReadAllBytes(FixturePath("small-float.idx.gz"));
        for (int i = 12; i < file.Length - 8; i++)
        {
            file[i] ^= 0xA5;
        }
        Assert.Throws<InvalidDataException>(() => Idx.Read(new MemoryStream(file)));
    }
}
