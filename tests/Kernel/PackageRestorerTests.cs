using Diffusion.Kernel.References;

namespace Diffusion.Tests.Kernel;

/// <summary>Restores from the machine's NuGet feed (nuget.org or its proxy) into a fresh cache folder.</summary>
public sealed class PackageRestorerTests : IDisposable
{
    private readonly DirectoryInfo _cache = Directory.CreateTempSubdirectory("kernel-packages-");

    public void Dispose() => _cache.Delete(recursive: true);

    private static readonly PackageReference Json = new("Newtonsoft.Json", "13.0.1");

    [Fact]
    public void Restore_GivesThePackagesFilesAndCachesTheRestore()
    {
        var restorer = new PackageRestorer(_cache.FullName);
        var restored = Assert.Single(restorer.Restore([Json], CancellationToken.None));
        Assert.Equal("13.0.1", restored.Version);
        var runtime = Assert.Single(restored.RuntimeAssemblies);
        Assert.Equal("Newtonsoft.Json.dll", Path.GetFileName(runtime));
        Assert.True(File.Exists(runtime), runtime);
        Assert.Contains("13.0.1", runtime, StringComparison.Ordinal);
        Assert.All(restored.CompileAssemblies, p => Assert.True(File.Exists(p), p));
        Assert.Same(restored, restorer.Restored(Json));

        // A new kernel on the same cache reuses the restore: the assets file is not written again.
        var assets = Directory.GetFiles(_cache.FullName, "project.assets.json", SearchOption.AllDirectories).Single();
        var written = File.GetLastWriteTimeUtc(assets);
        var again = new PackageRestorer(_cache.FullName).Restore([Json], CancellationToken.None);
        Assert.Equal(runtime, Assert.Single(again).RuntimeAssemblies.Single());
        Assert.Equal(written, File.GetLastWriteTimeUtc(assets));
    }

    [Fact]
    public void Restore_AnUnknownVersion_NamesThePackageAndVersion()
    {
        var error = Assert.Throws<PackageRestoreException>(() =>
            new PackageRestorer(_cache.FullName).Restore([new PackageReference("Newtonsoft.Json", "99.0.0")], CancellationToken.None));
        Assert.Contains("#r \"nuget: Newtonsoft.Json, 99.0.0\" could not be restored", error.Message);
        Assert.Contains("NU1102", error.Message);
        Assert.Contains("Check the package name and version", error.Message);

        // NuGet leaves an assets file behind after a failure; asking again restores again and fails the same way.
        error = Assert.Throws<PackageRestoreException>(() =>
            new PackageRestorer(_cache.FullName).Restore([new PackageReference("Newtonsoft.Json", "99.0.0")], CancellationToken.None));
        Assert.Contains("NU1102", error.Message);
    }

    [Fact]
    public void Restore_AnUnknownPackage_NamesIt()
    {
        var error = Assert.Throws<PackageRestoreException>(() => new PackageRestorer(_cache.FullName)
            .Restore([new PackageReference("Diffusion.NoSuchPackage.Anywhere", "1.0.0")], CancellationToken.None));
        Assert.Contains("Diffusion.NoSuchPackage.Anywhere, 1.0.0", error.Message);
        Assert.Contains("NU1101", error.Message);
    }

    [Fact]
    public void Restore_ASecondVersionOfALoadedPackage_IsRefusedWithWhatToDo()
    {
        var restorer = new PackageRestorer(_cache.FullName);
        restorer.Restore([Json], CancellationToken.None);
        var error = Assert.Throws<PackageRestoreException>(() =>
            restorer.Restore([new PackageReference("newtonsoft.json", "13.0.3")], CancellationToken.None));
        Assert.Contains("Newtonsoft.Json 13.0.1 is already loaded", error.Message);
        Assert.Contains("Restart the kernel", error.Message);
    }

    [Fact]
    public void Restore_Cancelled_StopsAndThrows()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new PackageRestorer(_cache.FullName).Restore([new PackageReference("Newtonsoft.Json", "13.0.2")], cancelled.Token));
    }

    [Fact]
    public void FailureMessage_KeepsNuGetsErrorLinesWithoutTheProjectPath()
    {
        const string Output = """
              Determining projects to restore...
            /home/u/.cache/diffusion-kernel/packages/ab/packages.csproj : error NU1101: Unable to find package Foo. No packages exist with this id in source(s): nuget.org [/home/u/.cache/diffusion-kernel/packages/ab/packages.csproj]
              Failed to restore /home/u/.cache/diffusion-kernel/packages/ab/packages.csproj (in 1.2 sec).
            """;
        var message = DotnetRestore.FailureMessage([new PackageReference("Foo", "1.0.0")], Output, 1);
        Assert.Equal("#r \"nuget: Foo, 1.0.0\" could not be restored:\n"
            + "  NU1101: Unable to find package Foo. No packages exist with this id in source(s): nuget.org\n"
            + "Check the package name and version (nuget.org, or the feeds of your NuGet.config).", message);
    }
}
