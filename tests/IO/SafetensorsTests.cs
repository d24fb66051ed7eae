using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Diffusion.IO;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.IO;

/// <summary>Includes a live-tensor count, so the class runs in the serial collection.</summary>
[Collection(SerialCollection.Name)]
public sealed class SafetensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safetensors-test").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "io", name);

    private string Temp(string name) => Path.Combine(_dir, name);

    [Fact]
    public void SaveLoad_RoundTripsEveryDtype()
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["f64"] = tensor(new[] { 1.5, -2.0, double.MaxValue, double.Epsilon }, [2, 2]),
            ["f32"] = tensor(new[] { 0.1f, -3e38f, float.NaN }),
            ["f16"] = tensor(new[] { 1.5f, -65504f, 5.9604645e-8f }).to(ScalarType.Float16),
            ["bf16"] = tensor(new[] { 1f, -3.140625f, 1e30f, 0f }).to(ScalarType.BFloat16),
            ["i64"] = tensor(new[] { long.MinValue, 0L, long.MaxValue }),
            ["i32"] = tensor(new[] { int.MinValue, 7, int.MaxValue }, [3, 1]),
            ["i16"] = tensor(new short[] { -32768, 32767 }),
            ["i8"] = tensor(new sbyte[] { -128, 127, 0 }),
            ["u8"] = tensor(new byte[] { 0, 128, 255, 1, 2, 3 }, [1, 2, 3]),
            ["bool"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(42.0),
            ["empty"] = zeros(0, 4),
        };
        string path = Temp("all.safetensors");
        Safetensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode + <tags>" });

        var loaded = Safetensors.Load(path); // created inside the scope, freed with it
        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, want) in tensors)
        {
            var got = loaded[name];
            Assert.Equal(want.dtype, got.dtype);
            Assert.Equal(want.shape, got.shape);
            Assert.Equal(Bytes(want), Bytes(got)); // bit-exact, NaN included
        }
        Assert.Equal("ünïcode + <tags>", Safetensors.ReadMetadata(path)["note"]);
    }

    private static byte[] Bytes(Tensor t)
    {
        using var c = t.contiguous();
        return t.numel() == 0 ? [] : c.bytes.ToArray();
    }

    [Fact]
    public void Save_WritesViewsAndChannelsLastTensorsRowMajor()
    {
        using var scope = NewDisposeScope();
        var x = arange(24, ScalarType.Float32).reshape(1, 2, 3, 4);
        var channelsLast = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);   // NCHW shape, NHWC strides
        Assert.False(channelsLast.is_contiguous());
        var transposed = arange(6, ScalarType.Int64).reshape(2, 3).t();
        string path = Temp("views.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["cl"] = channelsLast, ["t"] = transposed });
        var loaded = Safetensors.Load(path);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (float)i), loaded["cl"].data<float>().ToArray());
        Assert.Equal(new long[] { 0, 3, 1, 4, 2, 5 }, loaded["t"].data<long>().ToArray());
    }

    [Fact]
    public void Save_WritesSortedNamesAndAHeaderPaddedToEightBytes()
    {
        using var scope = NewDisposeScope();
        string path = Temp("layout.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor>
        {
            ["b"] = tensor(new float[] { 1, 2 }),
            ["a"] = tensor(new byte[] { 9 }),
        });
        byte[] file = File.ReadAllBytes(path);
        long n = BinaryPrimitives.ReadInt64LittleEndian(file);
        Assert.Equal(0, n % 8);
        Assert.Equal(8 + n + 1 + 8, file.Length);
        string json = Encoding.UTF8.GetString(file, 8, (int)n);
        Assert.Equal(json.TrimEnd(' ').Length, json.TrimEnd().Length);
        Assert.True(json.IndexOf("\"a\"", StringComparison.Ordinal) < json.IndexOf("\"b\"", StringComparison.Ordinal));
        Assert.Contains("\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}", json);
        Assert.Contains("\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[1,9]}", json);
        Assert.Equal(9, file[8 + n]);
        Assert.Equal(1f, BitConverter.ToSingle(file, (int)(8 + n + 1)));
    }

    [Fact]
    public void Load_ReadsAFileWrittenByPython()
    {
        string path = FixturePath("python.safetensors");
        using var scope = NewDisposeScope();
        var loaded = Safetensors.Load(path);
        var header = Safetensors.ReadHeader(path);
        Assert.Equal(
            ["bf16", "conv.bias", "conv.weight", "ema.shadow", "empty", "half", "labels", "mask", "pixels", "short", "signed", "step"],
            header.Tensors.Select(e => e.Name));
        Assert.Equal(new long[] { 2, 3, 3, 3 }, header.Tensors.Single(e => e.Name == "conv.weight").Shape);
        Assert.Equal("I64", header.Tensors.Single(e => e.Name == "step").DTypeCode);
        Assert.Empty(header.Tensors.Single(e => e.Name == "step").Shape);
        Assert.Equal("7", header.Metadata["epoch"]);
        Assert.Equal("pt", Safetensors.ReadMetadata(path)["format"]);

        using var json = JsonDocument.Parse(File.ReadAllText(FixturePath("python_safetensors.json")));
        var weight = json.RootElement.GetProperty("conv.weight").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var shadow = json.RootElement.GetProperty("ema.shadow").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(ScalarType.Float32, loaded["conv.weight"].dtype);
        Assert.Equal(weight, loaded["conv.weight"].data<float>().ToArray());
        Assert.Equal(shadow, loaded["ema.shadow"].data<double>().ToArray());
        Assert.Equal(new[] { 0.5f, -1.25f }, loaded["conv.bias"].data<float>().ToArray());
        Assert.Equal(ScalarType.Float16, loaded["half"].dtype);
        Assert.Equal(new[] { 1.0f, -2.5f, 65504f, 0.0009765625f }, loaded["half"].to(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(ScalarType.BFloat16, loaded["bf16"].dtype);
        var v = loaded["bf16"].to(ScalarType.Float32).data<float>().ToArray();
        Assert.Equal(1f, v[0]);
        Assert.Equal(-3.140625f, v[1]);
        Assert.Equal(1e30f, v[2], 1e30f * 1e-2f); // 1e30 rounded to bfloat16
        Assert.Equal(0f, v[3]);
        Assert.Equal(1234567890123L, loaded["step"].item<long>());
        Assert.Equal(new[] { 1, -2, 3, -4 }, loaded["labels"].data<int>().ToArray());
        Assert.Equal(new long[] { 2, 2 }, loaded["labels"].shape);
        Assert.Equal(new short[] { -32768, 32767 }, loaded["short"].data<short>().ToArray());
        Assert.Equal(new sbyte[] { -128, 127, 0 }, loaded["signed"].data<sbyte>().ToArray());
        Assert.Equal(new byte[] { 0, 128, 255 }, loaded["pixels"].data<byte>().ToArray());
        Assert.Equal(new[] { true, false, true }, loaded["mask"].data<bool>().ToArray());
        Assert.Equal(new long[] { 0, 3 }, loaded["empty"].shape);
    }

    [Fact]
    public void Load_ReadsNonZeroBoolBytesAsTrue()
    {
        string path = Temp("bools.safetensors");
        byte[] json = Encoding.UTF8.GetBytes("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[4],\"data_offsets\":[0,4]}}");
        var file = new byte[8 + json.Length + 4];
        BinaryPrimitives.WriteInt64LittleEndian(file, json.Length);
        json.CopyTo(file, 8);
        new byte[] { 0, 1, 2, 255 }.CopyTo(file, 8 + json.Length);
        File.WriteAllBytes(path, file);
        using var scope = NewDisposeScope();
        var m = Safetensors.Load(path)["m"];
        Assert.Equal(new[] { false, true, true, true }, m.data<bool>().ToArray());
        Assert.Equal(3, m.sum().item<long>());
    }

    [Fact]
    public void Load_ThrowsForATruncatedFile()
    {
        byte[] file = File.ReadAllBytes(FixturePath("python.safetensors"));
        string path = Temp("cut.safetensors");
        File.WriteAllBytes(path, file.AsSpan(0, 5).ToArray());
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Safetensors.Load(path)).Message);

        File.WriteAllBytes(path, file.AsSpan(0, 100).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.Contains("runs past the end", e.Message);
        Assert.Contains(path, e.Message);

        long n = BinaryPrimitives.ReadInt64LittleEndian(file);
        File.WriteAllBytes(path, file.AsSpan(0, file.Length - 3).ToArray());
        e = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.Contains("step", e.Message); // the last tensor in the data section
        Assert.Contains("outside the data section", e.Message);
        Assert.True(n > 0);
    }

    [Fact]
    public void Load_ThrowsInvalidDataForEveryTruncation()
    {
        byte[] file = File.ReadAllBytes(FixturePath("python.safetensors"));
        string path = Temp("cut.safetensors");
        long before = LiveTensors.Count();
        for (int length = 0; length < file.Length; length += 7)
        {
            File.WriteAllBytes(path, file[..length]);
            var e = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Throws<InvalidDataException>(() => Safetensors.ReadHeader(path));
        }
        Assert.Equal(before, LiveTensors.Count());
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", "unsupported dtype 'F8_E4M3'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "needs 12 bytes")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "outside the data section")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", "non-negative")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", "data_offsets")]
    [InlineData("{\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[3,5]}}", "overlaps tensor 'v'")]
    [InlineData("{\"w\":[1,2]}", "must be an object")]
    [InlineData("{\"w\":", "not valid JSON")]
    [InlineData("{\"__metadata__\":{\"a\":1}}", "must be a string")]
    public void Load_ThrowsForACorruptHeaderNamingFileAndKey(string header, string expected)
    {
        string path = Temp("bad.safetensors");
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + 8];
        BinaryPrimitives.WriteInt64LittleEndian(file, json.Length);
        json.CopyTo(file, 8);
        File.WriteAllBytes(path, file);
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
        if (header.Contains("\"w\":{", StringComparison.Ordinal))
        {
            Assert.Contains("'w'", e.Message);
        }
    }

    [Fact]
    public void Load_DoesNotLeakTensors()
    {
        string path = FixturePath("python.safetensors");
        long before = LiveTensors.Count();
        var loaded = Safetensors.Load(path);
        Assert.Equal(before + loaded.Count, LiveTensors.Count());
        foreach (var t in loaded.Values)
        {
            t.Dispose();
        }
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void Save_KeepsTheOldFileWhenATensorCannotBeWritten()
    {
        string path = Temp("model.safetensors");
        using var scope = NewDisposeScope();
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["w"] = tensor(new float[] { 1, 2, 3 }) });
        byte[] before = File.ReadAllBytes(path);

        var disposed = tensor(new float[] { 4 });
        disposed.Dispose();
        var tensors = new Dictionary<string, Tensor> { ["a"] = tensor(new float[] { 5, 6 }), ["z"] = disposed };
        var e = Assert.ThrowsAny<Exception>(() => Safetensors.Save(path, tensors));
        Assert.Contains("'z'", e.Message);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Crc32_MatchesTheStandardCheckValueAndStreams()
    {
        // The CRC-32 check value of "123456789" (PNG, zip, gzip); Training's checkpoints store it of their data section.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 31 + 7)).ToArray();
        uint whole = Crc32.Compute(data);
        for (int split = 0; split <= data.Length; split += 97)
        {
            Assert.Equal(whole, Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, data.AsSpan(0, split)), data.AsSpan(split))));
        }
    }
}
