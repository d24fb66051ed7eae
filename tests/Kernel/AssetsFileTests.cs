using Diffusion.Kernel.References;

namespace Diffusion.Tests.Kernel;

public class AssetsFileTests
{
    // This machine's runtime identifier (linux-x64 here), as NuGet names runtimes/ folders.
    private static readonly string Rid = AssetsFile.RuntimeIdentifiers().ElementAt(1);

    // The shape NuGet writes to obj/project.assets.json, cut down to what the kernel reads ("RID" is replaced by Rid).
    private static readonly string Assets = """
        {
          "version": 3,
          "targets": {
            "net10.0": {
              "Top/1.0.0": { "type": "package", "dependencies": { "Middle": "2.0.0" },
                "compile": { "ref/net8.0/Top.dll": {} }, "runtime": { "lib/net8.0/Top.dll": {} } },
              "Middle/2.0.0": { "type": "package", "dependencies": { "Leaf": "3.0.0" },
                "compile": { "lib/netstandard2.0/_._": {} }, "runtime": { "lib/netstandard2.0/Middle.dll": {} },
                "runtimeTargets": {
                  "runtimes/RID/native/libmiddle.so": { "assetType": "native", "rid": "RID" },
                  "runtimes/other-rid/native/middle.dll": { "assetType": "native", "rid": "other-rid" },
                  "runtimes/unix/lib/net8.0/Middle.dll": { "assetType": "runtime", "rid": "unix" } } },
              "Leaf/3.0.0": { "type": "package", "compile": { "lib/net8.0/Leaf.dll": {} }, "runtime": { "lib/net8.0/Leaf.dll": {} } },
              "Other/1.0.0": { "type": "package", "runtime": { "lib/net8.0/Other.dll": {} } }
            }
          },
          "libraries": {
            "Top/1.0.0": { "path": "top/1.0.0" }, "Middle/2.0.0": { "path": "middle/2.0.0" },
            "Leaf/3.0.0": { "path": "leaf/3.0.0" }, "Other/1.0.0": { "path": "other/1.0.0" }
          },
          "packageFolders": { "/packages/": {} }
        }
        """.Replace("RID", Rid, StringComparison.Ordinal);

    private static AssetsFile Load(string framework = "net10.0")
    {
        var text = Assets;
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, text);
            return AssetsFile.Load(path, framework);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Find_GivesThePackageAndItsDependenciesButNotOthers()
    {
        var top = Load().Find(new PackageReference("top", "1.0.0"))!;
        Assert.Equal("1.0.0", top.Version);
        Assert.Equal(["Middle 2.0.0", "Leaf 3.0.0"], top.Dependencies);
        Assert.Equal(["/packages/top/1.0.0/ref/net8.0/Top.dll", "/packages/leaf/3.0.0/lib/net8.0/Leaf.dll"], top.CompileAssemblies);
        Assert.DoesNotContain(top.RuntimeAssemblies, p => p.Contains("Other", StringComparison.Ordinal));
        Assert.Contains("/packages/top/1.0.0/lib/net8.0/Top.dll", top.RuntimeAssemblies);
    }

    [Fact]
    public void Find_PrefersThisPlatformsRuntimeAndNativeFiles()
    {
        var top = Load().Find(new PackageReference("Top", null))!;
        // The unix build of Middle replaces the portable one except on Windows.
        var (chosen, other) = ("/packages/middle/2.0.0/runtimes/unix/lib/net8.0/Middle.dll", "/packages/middle/2.0.0/lib/netstandard2.0/Middle.dll");
        (chosen, other) = OperatingSystem.IsWindows() ? (other, chosen) : (chosen, other);
        Assert.Contains(chosen, top.RuntimeAssemblies);
        Assert.DoesNotContain(other, top.RuntimeAssemblies);
        Assert.Equal([$"/packages/middle/2.0.0/runtimes/{Rid}/native/libmiddle.so"], top.NativeLibraries);
    }

    [Fact]
    public void Find_IsNullForAPackageNotRestored() => Assert.Null(Load().Find(new PackageReference("Missing", "1.0.0")));

    [Fact]
    public void Load_SaysWhichTargetIsMissing()
    {
        var error = Assert.Throws<InvalidDataException>(() => Load(framework: "net9.0"));
        Assert.Contains("no target 'net9.0'", error.Message);
    }
}
