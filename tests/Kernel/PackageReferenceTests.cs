using Diffusion.Kernel.References;

namespace Diffusion.Tests.Kernel;

public class PackageReferenceTests
{
    [Theory]
    [InlineData("nuget: Newtonsoft.Json, 13.0.1", "Newtonsoft.Json", "13.0.1", "[13.0.1]")]
    [InlineData("nuget:Plotly.NET,6.0.0", "Plotly.NET", "6.0.0", "[6.0.0]")]
    [InlineData("  NuGet: Plotly.NET.CSharp ", "Plotly.NET.CSharp", null, "*")]
    [InlineData("nuget: Newtonsoft.Json, 13.*", "Newtonsoft.Json", "13.*", "13.*")]
    [InlineData("nuget: Newtonsoft.Json, [12.0,14.0)", "Newtonsoft.Json", "[12.0,14.0)", "[12.0,14.0)")]
    [InlineData("nuget: SixLabors.ImageSharp, 2.1.13-beta.1", "SixLabors.ImageSharp", "2.1.13-beta.1", "[2.1.13-beta.1]")]
    public void TryParse_ReadsNameAndVersion(string text, string name, string? version, string range)
    {
        Assert.True(PackageReference.IsPackage(text));
        Assert.True(PackageReference.TryParse(text, out var package, out var error), error);
        Assert.Equal(name, package.Name);
        Assert.Equal(version, package.Version);
        Assert.Equal(range, package.VersionRange);
        Assert.Equal(range != $"[{version}]", package.IsFloating);
    }

    [Theory]
    [InlineData("nuget: ", "names no package")]
    [InlineData("nuget: , 1.0", "names no package")]
    [InlineData("nuget: bad name, 1.0", "'bad name' is not a NuGet package id")]
    [InlineData("nuget: Newtonsoft.Json, ", "'' is not a NuGet version")]
    [InlineData("nuget: Newtonsoft.Json, 1.0\"<x>", "is not a NuGet version")]
    public void TryParse_SaysWhatIsWrong(string text, string expected)
    {
        Assert.False(PackageReference.TryParse(text, out _, out var error));
        Assert.Contains(expected, error);
        Assert.Contains("#r \"nuget: Newtonsoft.Json, 13.0.1\"", error); // and shows the form to write
    }

    [Fact]
    public void IsPackage_IsFalseForPaths()
    {
        Assert.False(PackageReference.IsPackage("Diffusion.Lib.dll"));
        Assert.False(PackageReference.IsPackage("/abs/nuget/x.dll"));
    }

    [Fact]
    public void Directive_IsWhatTheUserWrites()
    {
        Assert.Equal("#r \"nuget: Plotly.NET, 6.0.0\"", new PackageReference("Plotly.NET", "6.0.0").Directive);
        Assert.Equal("#r \"nuget: Plotly.NET\"", new PackageReference("Plotly.NET", null).Directive);
    }
}
