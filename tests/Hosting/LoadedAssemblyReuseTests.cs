using System.Reflection;
using System.Runtime.Loader;
using Diffusion.Hosting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Diffusion.Tests.Hosting;

/// <summary>A context that holds Shared 1.0 is asked for Shared 2.0 (as .NET Interactive's FSharp.Core 10.0 is by Plotly.NET).</summary>
public sealed class LoadedAssemblyReuseTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hosting-reuse-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Compile(string name, string version, string code, params string[] references)
    {
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var compilation = CSharpCompilation.Create(name,
            [CSharpSyntaxTree.ParseText($"[assembly: System.Reflection.AssemblyVersion(\"{version}\")]\n{code}")],
            new[] { typeof(object).Assembly.Location, Path.Combine(runtime, "System.Runtime.dll") }.Concat(references)
                .Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(_root.FullName, version)).FullName, name + ".dll");
        var result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return path;
    }

    [Fact]
    public void ANewerVersionOfALoadedAssembly_IsAnsweredWithTheLoadedOne()
    {
        var old = Compile("Shared", "1.0.0.0", "public static class Api { public static string Version() => \"1\"; }");
        var shared = Compile("Shared", "2.0.0.0", "public static class Api { public static string Version() => \"2\"; }");
        var user = Compile("User", "1.0.0.0", "public static class Entry { public static string Run() => Api.Version(); }", shared);
        var context = new AssemblyLoadContext("reuse", isCollectible: true);
        try
        {
            context.LoadFromAssemblyPath(old);
            var entry = context.LoadFromAssemblyPath(user).GetType("Entry")!;
            // Without reuse the request for Shared 2.0 cannot be met in this context.
            Assert.IsType<FileNotFoundException>(Assert.Throws<TargetInvocationException>(() => entry.GetMethod("Run")!.Invoke(null, null)).InnerException);

            LoadedAssemblyReuse.Install(context);
            LoadedAssemblyReuse.Install(context); // once per context
            Assert.Equal("1", entry.GetMethod("Run")!.Invoke(null, null));
            Assert.Single(context.Assemblies, a => a.GetName().Name == "Shared");
            Assert.Null(LoadedAssemblyReuse.Loaded(context, new AssemblyName("NotLoaded")));
        }
        finally
        {
            context.Unload();
        }
    }
}
