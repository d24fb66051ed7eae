using System.Globalization;
using System.Security.Cryptography;
using Diffusion.Engine;
using Diffusion.IO;
using Diffusion.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Pretrained;

/// <summary>
/// Every shipped model loads and samples as it did when the recording was made (before issue 28's refactor of the loaders,
/// the sampling loops and the DDPM step): <see cref="ShippedModelCases"/> against <c>tests/fixtures/shipped-samples.safetensors</c>.
/// On the machine, LibTorch and thread count of the recording every case must be bit-identical; elsewhere (another CPU's
/// kernels round differently) within 1e-3.
/// </summary>
/// <remarks>
/// Re-record (only when a change of the numbers is intended, and say why in the commit):
/// <c>DIFFUSION_RECORD_GOLDEN=1 dotnet test Diffusion.slnx -c Release --no-build --filter ShippedModelGoldenTests</c>.
/// </remarks>
[Collection(SerialCollection.Name)]
public class ShippedModelGoldenTests(ITestOutputHelper output)
{
    private const string RecordVariable = "DIFFUSION_RECORD_GOLDEN";

    [Fact]
    public void ShippedModels_SampleAsRecorded()
    {
        var cases = ShippedModelCases.Run();
        try
        {
            if (Environment.GetEnvironmentVariable(RecordVariable) == "1")
            {
                Safetensors.Save(ShippedModelCases.FixturePath, cases, Machine());
                output.WriteLine($"recorded {cases.Count} cases to {ShippedModelCases.FixturePath}");
                return;
            }
            var recorded = Safetensors.Load(ShippedModelCases.FixturePath);
            try
            {
                var meta = Safetensors.ReadMetadata(ShippedModelCases.FixturePath);
                bool sameMachine = Machine().All(p => meta.TryGetValue(p.Key, out var v) && v == p.Value);
                output.WriteLine(sameMachine ? "same machine, LibTorch and threads as the recording: bit-identical required" : "another machine than the recording's: within 1e-3");
                Assert.Equal(recorded.Keys.Order(StringComparer.Ordinal), cases.Keys.Order(StringComparer.Ordinal));
                var failures = new List<string>();
                foreach (var (name, expected) in recorded.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var actual = cases[name];
                    bool sameShape = expected.shape.SequenceEqual(actual.shape);
                    double diff = sameShape ? (expected - actual).abs().max().item<float>() : double.PositiveInfinity;
                    bool ok = sameMachine ? sameShape && Hash(expected) == Hash(actual) : diff <= 1e-3;
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(ok ? "ok  " : "FAIL")} {name}: max |diff| {diff:G3}"));
                    if (!ok)
                    {
                        failures.Add(name);
                    }
                }
                Assert.True(failures.Count == 0, $"differ from the recording: {string.Join(", ", failures)}");
            }
            finally
            {
                foreach (var t in recorded.Values)
                {
                    t.Dispose();
                }
            }
        }
        finally
        {
            foreach (var t in cases.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>What the bits depend on: the CPU, LibTorch and the thread count.</summary>
    private static Dictionary<string, string> Machine() => new(StringComparer.Ordinal)
    {
        ["cpu"] = CpuModel(),
        ["libtorch"] = TorchEngine.LibTorchVersion,
        ["threads"] = TorchEngine.Threads.ToString(CultureInfo.InvariantCulture),
    };

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        string? line = File.Exists(cpuinfo) ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line is null ? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString() : line.Split(':', 2)[1].Trim();
    }

    private static string Hash(Tensor t)
    {
        using var cpu = t.contiguous();
        return Convert.ToHexString(SHA256.HashData(cpu.bytes.ToArray()));
    }
}
