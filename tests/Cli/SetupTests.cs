using System.Text.Json.Nodes;
using Diffusion.Cli.Setup;

namespace Diffusion.Tests.Cli;

/// <summary>The set-up's parts that need no network: the resolver-cache repair, the kernelspecs, finding Jupyter.</summary>
public sealed class SetupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cli-setup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// The SDK's tool resolver cache remembers an assembly in an old packages folder: its entry is removed, so `dotnet tool restore`
    /// downloads the tool again; an entry that points into the current folder and exists is kept.
    /// </summary>
    [Fact]
    public void RemoveStaleResolverEntries_DropsEntriesOutsideTheCurrentPackagesFolder()
    {
        string packages = Path.Combine(_dir, "packages"), old = Path.Combine(_dir, "old-packages");
        string current = Path.Combine(packages, "microsoft.dotnet-interactive", "1.0.0", "tools", "net10.0", "any", "App.dll");
        string stale = Path.Combine(old, "microsoft.dotnet-interactive", "1.0.712001", "tools", "net10.0", "any", "App.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(current)!);
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllText(current, "");
        File.WriteAllText(stale, "");   // still on disk, but not where NuGet restores now
        string cache = Path.Combine(_dir, "microsoft.dotnet-interactive");
        File.WriteAllText(cache, new JsonArray(
            new JsonObject { ["Version"] = "1.0.712001", ["PathToExecutable"] = stale },
            new JsonObject { ["Version"] = "1.0.0", ["PathToExecutable"] = current },
            new JsonObject { ["Version"] = "0.9", ["PathToExecutable"] = Path.Combine(packages, "gone.dll") }).ToJsonString());

        Assert.Equal(2, DotnetInteractiveTool.RemoveStaleResolverEntries(packages, cache));
        var left = JsonNode.Parse(File.ReadAllText(cache))!.AsArray();
        Assert.Equal(current, Assert.Single(left)!["PathToExecutable"]!.GetValue<string>());

        File.Delete(current);
        Assert.Equal(1, DotnetInteractiveTool.RemoveStaleResolverEntries(packages, cache));
        Assert.False(File.Exists(cache), "a cache file with no entry left is deleted");
        Assert.Equal(0, DotnetInteractiveTool.RemoveStaleResolverEntries(packages, cache));
    }

    [Fact]
    public void Find_LooksForTheToolAssemblyInThePackagesFolder()
    {
        Assert.Null(DotnetInteractiveTool.Find(_dir, "1.0.712001"));
        string dll = Path.Combine(_dir, "microsoft.dotnet-interactive", "1.0.712001", "tools", "net10.0", "any", "Microsoft.DotNet.Interactive.App.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        File.WriteAllText(dll, "");
        Assert.Equal(dll, DotnetInteractiveTool.Find(_dir, "1.0.712001"));
    }

    /// <summary>The course kernel has a name of its own (.NET Interactive claims .net-csharp) and is recognised as ours; a stranger's is not.</summary>
    [Fact]
    public void CourseKernelSpec_HasItsOwnNameAndMarker()
    {
        Assert.NotEqual(".net-csharp", KernelSpecs.CourseName);
        var spec = KernelSpecs.Course("/usr/bin/dotnet", Path.Combine(_dir, "Diffusion.Kernel.dll"));
        Assert.Equal("{connection_file}", spec["argv"]![2]!.GetValue<string>());
        Assert.Equal("message", spec["interrupt_mode"]!.GetValue<string>());
        Assert.True(KernelSpecs.IsOurs(spec));
        var dotnetInteractive = KernelSpecs.DotnetInteractive("/usr/bin/dotnet", "/x/Microsoft.DotNet.Interactive.App.dll", "1.0.712001");
        Assert.True(KernelSpecs.IsOurs(dotnetInteractive));
        var microsofts = new JsonObject { ["argv"] = new JsonArray("dotnet", "interactive", "jupyter", "{connection_file}"), ["display_name"] = ".NET (C#)" };
        Assert.False(KernelSpecs.IsOurs(microsofts));
    }

    [Fact]
    public void Jupyter_NotFound_SaysWhatWasTried()
    {
        var tried = new List<string>();
        Assert.Null(Jupyter.Find(Path.Combine(_dir, "no-jupyter"), tried));
        Assert.Contains(tried, t => t.Contains("no-jupyter", StringComparison.Ordinal));
        Assert.Contains("pip install", Jupyter.HowToGet);
    }
}
