using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Support;

/// <summary>
/// Reference tensors written by a PyTorch 1.13.1 script in tests/fixtures (see fixture_writer.py):
/// a JSON object mapping names to <c>{"dtype": "float64", "shape": [..], "data": [..]}</c>.
/// </summary>
public sealed class Fixture
{
    private readonly Dictionary<string, JsonElement> _entries;

    private Fixture(Dictionary<string, JsonElement> entries) => _entries = entries;

    /// <summary>Loads tests/fixtures/<paramref name="fileName"/> (copied beside the test assembly).</summary>
    public static Fixture Load(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", fileName);
        using var stream = File.OpenRead(path);
        var entries = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(stream)
            ?? throw new InvalidDataException($"{path} is not a JSON object");
        return new Fixture(entries);
    }

    /// <summary>The names in the file.</summary>
    public IEnumerable<string> Names => _entries.Keys;

    /// <summary>True when the file holds <paramref name="name"/>.</summary>
    public bool Has(string name) => _entries.ContainsKey(name);

    /// <summary>The shape of entry <paramref name="name"/>.</summary>
    public long[] Shape(string name) => Entry(name).GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();

    /// <summary>The values of entry <paramref name="name"/> as doubles (row-major).</summary>
    public double[] Values(string name) => Entry(name).GetProperty("data").EnumerateArray().Select(ReadNumber).ToArray();

    /// <summary>A scalar entry (or a plain JSON number).</summary>
    public double Scalar(string name)
    {
        var e = Entry(name);
        return e.ValueKind == JsonValueKind.Number ? e.GetDouble() : Values(name).Single();
    }

    /// <summary>Entry <paramref name="name"/> as a tensor of its stored dtype (float32, float64, int64 or bool).</summary>
    public Tensor Tensor(string name)
    {
        var e = Entry(name);
        string dtype = e.GetProperty("dtype").GetString() ?? "float32";
        long[] shape = Shape(name);
        double[] values = Values(name);
        return dtype switch
        {
            "float64" => tensor(values, shape),
            "float32" => tensor(values.Select(v => (float)v).ToArray(), shape),
            "int64" => tensor(values.Select(v => (long)v).ToArray(), shape),
            "int32" => tensor(values.Select(v => (int)v).ToArray(), shape),
            "bool" => tensor(values.Select(v => v != 0).ToArray(), shape),
            _ => throw new InvalidDataException($"fixture entry '{name}' has unsupported dtype '{dtype}'"),
        };
    }

    private JsonElement Entry(string name) =>
        _entries.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"fixture has no entry '{name}'; it has: {string.Join(", ", _entries.Keys)}");

    private static double ReadNumber(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        JsonValueKind.String => e.GetString() switch
        {
            "nan" => double.NaN,
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            var s => throw new InvalidDataException($"unexpected string '{s}' in a fixture"),
        },
        _ => e.GetDouble(),
    };
}

/// <summary>Tolerance assertions for tensors.</summary>
public static class TensorAssert
{
    /// <summary>Asserts equal shapes and |actual - expected| &lt;= atol + rtol * |expected| elementwise.</summary>
    public static void Close(double[] expected, Tensor actual, double atol = 1e-5, double rtol = 1e-5, string what = "")
    {
        using var d = actual.detach().cpu().to(float64);
        double[] a = d.data<double>().ToArray();
        Assert.True(expected.Length == a.Length, $"{what}: expected {expected.Length} values, got {a.Length} (shape [{string.Join(", ", actual.shape)}])");
        for (int i = 0; i < a.Length; i++)
        {
            double tol = atol + rtol * Math.Abs(expected[i]);
            bool bothNaN = double.IsNaN(expected[i]) && double.IsNaN(a[i]);
            Assert.True(bothNaN || Math.Abs(a[i] - expected[i]) <= tol || a[i] == expected[i],
                $"{what}: element {i}: expected {expected[i]:R}, got {a[i]:R} (tolerance {tol:G3})");
        }
    }

    /// <summary>Compares against fixture entry <paramref name="name"/> (shape and values).</summary>
    public static void Close(Fixture fixture, string name, Tensor actual, double atol = 1e-5, double rtol = 1e-5)
    {
        Assert.Equal(fixture.Shape(name), actual.shape);
        Close(fixture.Values(name), actual, atol, rtol, name);
    }
}
