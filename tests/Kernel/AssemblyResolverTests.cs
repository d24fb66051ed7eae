using System.Reflection;
using System.Runtime.Loader;
using Diffusion.Kernel.References;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Diffusion.Tests.Kernel;

/// <summary>
/// Two referenced assemblies in two folders, each folder carrying its own copy of a shared dependency at a different version
/// (as Plotly.NET and Giraffe.ViewEngine each come with FSharp.Core): the shared one must load once, at the highest version.
/// </summary>
public sealed class AssemblyResolverTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("kernel-resolver-");

    public void Dispose() => _root.Delete(recursive: true);

    private static MetadataReference[] Platform() =>
    [
        MetadataReference.CreateFromFile(typeof(object).Assembly.Location),
        MetadataReference.CreateFromFile(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "System.Runtime.dll")),
    ];

    private string Compile(string folder, string name, string version, string code, params string[] references)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root.FullName, folder)).FullName;
        var source = $"[assembly: System.Reflection.AssemblyVersion(\"{version}\")]\n{code}";
        var compilation = CSharpCompilation.Create(name, [CSharpSyntaxTree.ParseText(source)],
            Platform().Concat(references.Select(r => MetadataReference.CreateFromFile(r))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var path = Path.Combine(directory, name + ".dll");
        var result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return path;
    }

    /// <summary>folder "old": Shared 1.0 and UsesOld; folder "new": Shared 2.0 (one more method) and UsesNew.</summary>
    private (string UsesOld, string UsesNew) TwoFolders()
    {
        var old = Compile("old", "Shared", "1.0.0.0", "public static class Api { public static string Version() => \"1\"; }");
        var shared = Compile("new", "Shared", "2.0.0.0",
            "public static class Api { public static string Version() => \"2\"; public static string Added() => \"added\"; }");
        var usesOld = Compile("old", "UsesOld", "1.0.0.0", "public static class Entry { public static string Run() => Api.Version(); }", old);
        var usesNew = Compile("new", "UsesNew", "1.0.0.0",
            "public static class Entry { public static string Run() => Api.Added() + Api.Version(); }", shared);
        return (usesOld, usesNew);
    }

    private static string Run(AssemblyLoadContext context, string assembly) =>
        (string)context.LoadFromAssemblyName(new AssemblyName(assembly)).GetType("Entry")!.GetMethod("Run")!.Invoke(null, null)!;

    [Fact]
    public void Find_PicksTheHighestVersionAmongTheReferencedFolders()
    {
        var (usesOld, usesNew) = TwoFolders();
        var resolver = new AssemblyResolver(new AssemblyLoadContext("find", isCollectible: true));
        resolver.AddAssembly(usesOld);
        resolver.AddAssembly(usesNew);
        Assert.Equal(Path.Combine(_root.FullName, "new", "Shared.dll"), resolver.Find(new AssemblyName("Shared, Version=1.0.0.0")));
        Assert.Null(resolver.Find(new AssemblyName("Unknown")));
    }

    [Fact]
    public void Load_SharedDependencyLoadsOnceAndServesBoth()
    {
        var (usesOld, usesNew) = TwoFolders();
        var context = new AssemblyLoadContext("load", isCollectible: true);
        try
        {
            var resolver = new AssemblyResolver(context);
            resolver.AddAssembly(usesOld);
            resolver.AddAssembly(usesNew);
            Assert.Equal("2", Run(context, "UsesOld"));
            Assert.Equal("added2", Run(context, "UsesNew"));
            Assert.Single(context.Assemblies, a => a.GetName().Name == "Shared");
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void Load_AnOlderCopyAlreadyLoadedIsReusedWithAWarning()
    {
        var (usesOld, usesNew) = TwoFolders();
        var context = new AssemblyLoadContext("reuse", isCollectible: true);
        try
        {
            var warnings = new List<string>();
            var resolver = new AssemblyResolver(context) { Warn = warnings.Add };
            resolver.AddAssembly(usesOld);
            Assert.Equal("1", Run(context, "UsesOld")); // only the old folder is known yet: Shared 1.0 loads
            resolver.AddAssembly(usesNew);
            Assert.Throws<TargetInvocationException>(() => Run(context, "UsesNew")); // Api.Added is missing from 1.0
            Assert.Single(context.Assemblies, a => a.GetName().Name == "Shared");
            Assert.Contains(warnings, w => w.Contains("Shared", StringComparison.Ordinal) && w.Contains("using the loaded 1.0.0.0", StringComparison.Ordinal));
        }
        finally
        {
            context.Unload();
        }
    }
}
