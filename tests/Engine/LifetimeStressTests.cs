using System.Diagnostics;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Engine;

/// <summary>
/// The reproducer of TorchSharp 0.107's lifetime bug (environment/tools/stress), run as a child process on the patched
/// build output and on the same output with the NuGet cache's stock TorchSharp.dll (bin/CONFIGURATION/net10.0-stock).
/// </summary>
public class LifetimeStressTests
{
    private static string Stress(string variant)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;   // tests/bin/CONFIGURATION/net10.0/
        string path = Path.Combine(Repository.Root(), "environment", "tools", "stress", "bin", configuration, variant, "Diffusion.Stress.dll");
        Assert.True(File.Exists(path), $"{path} is not built: build Diffusion.slnx");
        return path;
    }

    /// <summary>Runs the stress program; returns its exit code (a signal's as 128 + N) and its output.</summary>
    internal static (int ExitCode, string Output) Run(string program, string arguments, TimeSpan limit)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{program}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_gcServer"] = "0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the stress program ran past {limit.TotalSeconds} s: {arguments}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    [Fact]
    public void PatchedBuild_NoFailureInFiveSecondsOfForcedCollections()
    {
        var (code, output) = Run(Stress("net10.0"), "--seconds 5 --ops all", TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"exit code {code}: {output}");
        Assert.Contains("methods keep their tensors and scalars alive", output);
        Assert.Contains(" 0 failed, 0 wrong values", output);
    }

    [Fact]
    public void StockTorchSharp_ScalarOperatorsFailWithinSeconds()
    {
        var clock = Stopwatch.StartNew();
        var (code, output) = Run(Stress("net10.0-stock"), "--seconds 30 --ops scalars --stop-after 1", TimeSpan.FromSeconds(90));
        Assert.Contains("stock: temporaries are not kept alive", output);
        Assert.True(code != 0, $"the stock TorchSharp.dll survived 30 s of forced collections: {output}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed.TotalSeconds:F1} s: {output}");
    }

    [Fact]
    public void StockTorchSharp_TensorTemporariesFailWithinSeconds()
    {
        // A freed tensor under LibTorch is usually a segmentation fault (exit code 139), sometimes an exception.
        var (code, output) = Run(Stress("net10.0-stock"), "--seconds 30 --ops tensors --stop-after 1", TimeSpan.FromSeconds(90));
        Assert.Contains("stock: temporaries are not kept alive", output);   // the engine loaded: a failure is the loop's
        Assert.True(code != 0, $"the stock TorchSharp.dll survived 30 s of forced collections: {output}");
    }
}
