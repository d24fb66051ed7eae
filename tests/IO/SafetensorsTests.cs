using Diffusion.Tests.Support;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Diffusion.IO;
using Diffusion.Tensors;

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
        using var scope = new TensorScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["f64"] = Torch.FromArray(new[] { 1.5, -2.0, double.MaxValue, double.Epsilon }, 2, 2),
            ["f32"] = Torch.FromArray(new[] { 0.1f, -3e38f, float.NaN }),
            ["f16"] = Torch.FromArray(new[] { (Half)1.5, (Half)(-65504), Half.Epsilon }),
            ["bf16"] = Torch.FromArray(new[] { 1f, -3.140625f, 1e30f, 0f }).To(DType.BFloat16),
            ["i64"] = Torch.FromArray(new[] { long.MinValue, 0L, long.MaxValue }),
            ["i32"] = Torch.FromArray(new[] { int.MinValue, 7, int.MaxValue }, 3, 1),
            ["i16"] = Torch.FromArray(new short[] { -32768, 32767 }),
            ["i8"] = Torch.FromArray(new sbyte[] { -128, 127, 0 }),
            ["u8"] = Torch.FromArray(new byte[] { 0, 128, 255, 1, 2, 3 }, 1, 2, 3),
            ["bool"] = Torch.FromArray(new[] { true, false, true }),
            ["scalar"] = Torch.Scalar(42.0, DType.Float64),
            ["empty"] = Torch.Zeros([0, 4]),
        };
        string path = Temp("all.safetensors");
        Safetensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode + <tags>" });

        var loaded = Safetensors.Load(path); // created inside the scope, freed with it
        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, want) in tensors)
        {
            var got = loaded[name];
            Assert.Equal(want.DType, got.DType);
            Assert.Equal(want.Shape, got.Shape);
            using var a = want.To(DType.Float64);
            using var b = got.To(DType.Float64);
            Assert.Equal(a.ToArray<double>(), b.ToArray<double>()); // bit-exact, NaN equal to NaN
        }
        Assert.Equal("ünïcode + <tags>", Safetensors.ReadMetadata(path)["note"]);
    }

    [Fact]
    public void Save_WritesSortedNamesAndAHeaderPaddedToEightBytes()
    {
        using var scope = new TensorScope();
        string path = Temp("layout.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor>
        {
            ["b"] = Torch.FromArray(new float[] { 1, 2 }),
            ["a"] = Torch.FromArray(new byte[] { 9 }),
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
        var loaded = Safetensors.Load(path);
        try
        {
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
            Assert.Equal(DType.Float32, loaded["conv.weight"].DType);
            Assert.Equal(weight, loaded["conv.weight"].ToArray<float>());
            Assert.Equal(shadow, loaded["ema.shadow"].ToArray<double>());
            Assert.Equal(new[] { 0.5f, -1.25f }, loaded["conv.bias"].ToArray<float>());
            Assert.Equal(new[] { (Half)1.0, (Half)(-2.5), (Half)65504, (Half)0.0009765625 }, loaded["half"].ToArray<Half>());
            Assert.Equal(DType.BFloat16, loaded["bf16"].DType);
            using (var bf = loaded["bf16"].To(DType.Float32))
            {
                var v = bf.ToArray<float>();
                Assert.Equal(1f, v[0]);
                Assert.Equal(-3.140625f, v[1]);
                Assert.Equal(1e30f, v[2], 1e30f * 1e-2f); // 1e30 rounded to bfloat16
                Assert.Equal(0f, v[3]);
            }
            Assert.Equal(1234567890123L, loaded["step"].ToInt64());
            Assert.Equal(new[] { 1, -2, 3, -4 }, loaded["labels"].ToArray<int>());
            Assert.Equal(new long[] { 2, 2 }, loaded["labels"].Shape);
            Assert.Equal(new short[] { -32768, 32767 }, loaded["short"].ToArray<short>());
            Assert.Equal(new sbyte[] { -128, 127, 0 }, loaded["signed"].ToArray<sbyte>());
            Assert.Equal(new byte[] { 0, 128, 255 }, loaded["pixels"].ToArray<byte>());
            Assert.Equal(new[] { true, false, true }, loaded["mask"].ToArray<bool>());
            Assert.Equal(new long[] { 0, 3 }, loaded["empty"].Shape);
        }
        finally
        {
            foreach (var t in loaded.Values)
            {
                t.Dispose();
            }
        }
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
        for (int length = 0; length < file.Length; length += 7)
        {
            File.WriteAllBytes(path, file[..length]);
            var e = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Throws<InvalidDataException>(() => Safetensors.ReadHeader(path));
        }
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
        using var scope = new TensorScope();
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Torch.FromArray(new float[] { 1, 2, 3 }) });
        byte[] before = File.ReadAllBytes(path);

        var disposed = Torch.FromArray(new float[] { 4 });
        disposed.Dispose();
        var tensors = new Dictionary<string, Tensor> { ["a"] = Torch.FromArray(new float[] { 5, 6 }), ["z"] = disposed };
        Assert.ThrowsAny<Exception>(() => Safetensors.Save(path, tensors));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
    }
}
