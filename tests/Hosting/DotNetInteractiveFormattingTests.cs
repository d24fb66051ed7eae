using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using Diffusion.Hosting;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Hosting;

/// <summary>
/// The formatter convention against .NET Interactive's own Formatter (Microsoft.DotNet.Interactive.Formatting from the tool
/// that `dotnet tool restore` installs from .config/dotnet-tools.json), loaded apart from the test's assemblies.
/// </summary>
public class DotNetInteractiveFormattingTests
{
    [TypeFormatterSource(typeof(MimeBundleFormatterSource))]
    public sealed class Html
    {
        public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string> { ["text/html"] = "<b>html</b>" };
    }

    [TypeFormatterSource(typeof(MimeBundleFormatterSource))]
    public sealed class Png
    {
        public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string> { ["image/png"] = "iVBOR", ["text/plain"] = "png" };
    }

    /// <summary>Public and unmarked: <see cref="DotNetInteractiveHost.RegisterFormatters"/> gives it formatters.</summary>
    public sealed class Unmarked
    {
        public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string> { ["text/html"] = "<b>unmarked</b>" };
    }

    /// <summary>Not public: left to .NET Interactive's default formatting.</summary>
    internal sealed class Hidden
    {
        public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string> { ["text/html"] = "<b>hidden</b>" };
    }

    private static readonly Lazy<(AssemblyLoadContext Context, Func<object, string, string> ToDisplayString)> Tool = new(Load);

    private static Func<object, string, string> ToDisplayString => Tool.Value.ToDisplayString;

    /// <summary>.NET Interactive's core and Formatting assemblies from the restored tool, in a load context of their own.</summary>
    private static (AssemblyLoadContext, Func<object, string, string>) Load()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root(), ".config", "dotnet-tools.json")));
        var version = manifest.RootElement.GetProperty("tools").GetProperty("microsoft.dotnet-interactive").GetProperty("version").GetString()!;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var tools = Path.Combine(packages, "microsoft.dotnet-interactive", version, "tools");
        var folder = Directory.Exists(tools) ? Directory.GetDirectories(tools).Select(d => Path.Combine(d, "any")).FirstOrDefault(Directory.Exists) : null;
        Support.HostTool.Require(folder is not null, $".NET Interactive {version} is not restored in {tools}: run `dotnet run --project environment/cli -- kernel install --dotnet-interactive` in {Repository.Root()} (environment/setup-dev.sh does)");
        // The tool runs on the ASP.NET Core shared framework too (its HTML types come from there).
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!; // .../shared/Microsoft.NETCore.App/10.0.x
        var aspNet = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(runtime))!, "Microsoft.AspNetCore.App", Path.GetFileName(runtime));
        var context = new AssemblyLoadContext("dotnet-interactive-formatting");
        context.Resolving += (c, name) => new[] { folder, aspNet }.Select(f => Path.Combine(f, name.Name + ".dll"))
            .Where(File.Exists).Select(c.LoadFromAssemblyPath).FirstOrDefault();
        var formatter = context.LoadFromAssemblyPath(Path.Combine(folder, "Microsoft.DotNet.Interactive.Formatting.dll"))
            .GetType("Microsoft.DotNet.Interactive.Formatting.Formatter", throwOnError: true)!;
        context.LoadFromAssemblyPath(Path.Combine(folder, "Microsoft.DotNet.Interactive.dll"));
        var method = formatter.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == "ToDisplayString" && m.GetParameters().Select(p => p.ParameterType).SequenceEqual([typeof(object), typeof(string)]));
        return (context, (value, mime) => (string)method.Invoke(null, [value, mime])!);
    }

    [SkippableFact]
    public void MarkedTypes_AreFormattedFromTheirBundle()
    {
        Assert.Equal("<b>html</b>", ToDisplayString(new Html(), "text/html"));
        Assert.Equal("iVBOR", ToDisplayString(new Png(), "image/png"));
        Assert.Equal("png", ToDisplayString(new Png(), "text/plain"));
        // The default display (text/html) of an image-only bundle shows the image.
        Assert.Equal("<img src=\"data:image/png;base64,iVBOR\" />", ToDisplayString(new Png(), "text/html"));
    }

    [SkippableFact]
    public void TheBridge_FindsEveryMemberItUsesInThisVersion()
    {
        var host = DotNetInteractiveHost.Find(Tool.Value.Context.Assemblies);
        Assert.NotNull(host);
        Assert.False(host.Cancellation.CanBeCanceled); // no cell runs here
        Assert.Contains("no running cell", Assert.Throws<InvalidOperationException>(() => host.Display("x")).Message);
    }

    [SkippableFact]
    public void RegisterFormatters_GivesPublicUnmarkedTypesTheirBundle()
    {
        var host = DotNetInteractiveHost.Find(Tool.Value.Context.Assemblies)!;
        var types = DotNetInteractiveHost.SelfRenderingTypes(typeof(Unmarked).Assembly).ToList();
        Assert.Contains(typeof(Unmarked), types);
        Assert.Contains(typeof(Html), types);
        Assert.DoesNotContain(typeof(Hidden), types);
        Assert.Equal(types.Count - 2, host.RegisterFormatters(types)); // Html and Png carry the attribute
        Assert.Equal("<b>unmarked</b>", ToDisplayString(new Unmarked(), "text/html"));
        Assert.Equal("<b>html</b>", ToDisplayString(new Html(), "text/html")); // marked types keep their convention formatters
        // Without either, the bundle is not used: .NET Interactive shows its own view of the object.
        Assert.DoesNotContain("<b>hidden</b>", ToDisplayString(new Hidden(), "text/html"), StringComparison.Ordinal);
    }
}
