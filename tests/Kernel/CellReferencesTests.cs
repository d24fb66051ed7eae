using Diffusion.Kernel.Execution;
using Diffusion.Kernel.References;

namespace Diffusion.Tests.Kernel;

public sealed class CellReferencesTests : IDisposable
{
    private readonly DirectoryInfo _cache = Directory.CreateTempSubdirectory("kernel-cell-packages-");

    public void Dispose() => _cache.Delete(recursive: true);

    private (string Source, int References, CellError? Error, string Output) Restore(string code, CellReferences? references = null)
    {
        references ??= new CellReferences(Path.GetTempPath(), new PackageRestorer(_cache.FullName));
        var output = new StringWriter();
        var (source, added, error) = references.RestorePackages(code, ScriptHost.ParseOptions, output, CancellationToken.None);
        return (source, added.Count, error, output.ToString());
    }

    [Fact]
    public void ACellWithoutPackages_IsLeftAsItIs()
    {
        const string Code = "#r \"Diffusion.Lib.dll\"\nvar x = 1;";
        Assert.Equal((Code, 0, (CellError?)null, ""), Restore(Code));
    }

    [Fact]
    public void AMalformedDirective_IsAnErrorWithItsLine()
    {
        var (_, _, error, _) = Restore("// packages\n#r \"nuget: Newtonsoft.Json, \"\nvar x = 1;");
        Assert.NotNull(error);
        Assert.Equal("PackageReferenceError", error.Name);
        Assert.StartsWith("(line 2, col 1): ", error.Traceback[0], StringComparison.Ordinal);
    }

    [Fact]
    public void APackage_IsRestoredAddedAndRemovedFromTheSource()
    {
        var (source, references, error, output) = Restore("#r \"nuget: Newtonsoft.Json, 13.0.1\"\nvar x = 1;");
        Assert.Null(error);
        Assert.Equal("\nvar x = 1;", source); // the line stays, so positions in errors still match the cell
        Assert.Equal(1, references);
        Assert.Equal("Installed package Newtonsoft.Json 13.0.1" + Environment.NewLine, output);
    }

    [Fact]
    public void APackageAskedForAgain_AddsNothingAndSaysNothing()
    {
        var references = new CellReferences(Path.GetTempPath(), new PackageRestorer(_cache.FullName));
        const string Cell = "#r \"nuget: Newtonsoft.Json, 13.0.1\"";
        Assert.Equal(1, Restore(Cell, references).References);
        var (source, added, error, output) = Restore(Cell, references);
        Assert.Equal(("", 0, (CellError?)null, ""), (source, added, error, output));
    }
}
