using System.Runtime.Loader;
using Diffusion.Kernel.Execution;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Scripting;

namespace Diffusion.Kernel.References;

/// <summary>
/// What a cell's <c>#r</c> directives need: the compiler's resolver for paths, and for <c>#r "nuget: ..."</c> the restore before
/// compiling. Roslyn resolves one file per directive, and a package is many (its dependencies, several assemblies), so package
/// directives are restored first, blanked out of the source (lines keep their numbers) and their assemblies added to the
/// compilation's references; every referenced assembly loads through one <see cref="AssemblyResolver"/>.
/// </summary>
internal sealed class CellReferences
{
    private readonly PackageRestorer _packages;
    private readonly AssemblyResolver _assemblies;
    private readonly HashSet<string> _referenced = new(StringComparer.Ordinal);

    /// <summary>Paths resolve from <paramref name="baseDirectory"/>; packages restore with <paramref name="packages"/>.</summary>
    public CellReferences(string baseDirectory, PackageRestorer packages)
    {
        _packages = packages;
        _assemblies = new AssemblyResolver(AssemblyLoadContext.Default) { Warn = message => Console.Error.WriteLine(message) };
        var paths = ScriptMetadataResolver.Default.WithBaseDirectory(baseDirectory).WithSearchPaths(baseDirectory);
        Resolver = new ReferenceResolver(paths, packages, _assemblies);
    }

    /// <summary>The compiler's resolver of <c>#r</c> directives.</summary>
    public MetadataReferenceResolver Resolver { get; }

    /// <summary>
    /// Restores the packages of the cell's <c>#r "nuget: ..."</c> directives, registers their files for loading and writes
    /// which packages were installed to <paramref name="output"/>. Returns the source without those directives and the
    /// compile-time references not added before, or an error (a malformed directive, a failed or interrupted restore).
    /// </summary>
    public (string Source, IReadOnlyList<MetadataReference> References, CellError? Error) RestorePackages(
        string source, CSharpParseOptions parseOptions, TextWriter output, CancellationToken token)
    {
        var directives = CSharpSyntaxTree.ParseText(source, parseOptions).GetCompilationUnitRoot().GetReferenceDirectives()
            .Where(d => PackageReference.IsPackage(d.File.ValueText))
            .ToList();
        if (directives.Count == 0)
        {
            return (source, [], null);
        }
        var packages = new List<PackageReference>();
        foreach (var directive in directives)
        {
            if (!PackageReference.TryParse(directive.File.ValueText, out var package, out var parseError))
            {
                var line = directive.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                return (source, [], new CellError("PackageReferenceError", parseError, [$"(line {line}, col 1): {parseError}"]));
            }
            packages.Add(package);
        }
        var fresh = packages.Where(p => _packages.Restored(p) is null).ToList();
        IReadOnlyList<RestoredPackage> restored;
        try
        {
            restored = _packages.Restore(packages, token);
        }
        catch (PackageRestoreException e)
        {
            return (source, [], new CellError("PackageRestoreError", e.Message, e.Message.Split('\n')));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return (source, [], ScriptHost.Interrupted());
        }
        var references = new List<MetadataReference>();
        foreach (var package in restored)
        {
            package.RuntimeAssemblies.ToList().ForEach(_assemblies.AddAssembly);
            package.NativeLibraries.ToList().ForEach(_assemblies.AddNativeLibrary);
            references.AddRange(package.CompileAssemblies.Where(_referenced.Add).Select(p => MetadataReference.CreateFromFile(p)));
            if (fresh.Contains(package.Package))
            {
                var with = package.Dependencies.Count == 0 ? "" : $" (with {string.Join(", ", package.Dependencies)})";
                output.WriteLine($"Installed package {package.Package.Name} {package.Version}{with}");
            }
        }
        // Blank the directives from the last to the first, so earlier positions stay valid; line breaks are kept.
        foreach (var directive in directives.OrderByDescending(d => d.SpanStart))
        {
            source = source.Remove(directive.Span.Start, directive.Span.Length);
        }
        return (source, references, null);
    }
}
