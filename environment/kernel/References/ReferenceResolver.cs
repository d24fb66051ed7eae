using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace Diffusion.Kernel.References;

/// <summary>
/// Resolves a cell's <c>#r</c> directives for the compiler. A path (relative to the notebook's folder, or absolute) is resolved
/// as Roslyn scripting does, and the file is handed to the <see cref="AssemblyResolver"/> so that it and its dependencies load
/// once. <c>#r "nuget: Name, Version"</c> directives are handled before compiling (<see cref="CellReferences"/>).
/// </summary>
internal sealed class ReferenceResolver : MetadataReferenceResolver
{
    private readonly ScriptMetadataResolver _paths;
    private readonly PackageRestorer _packages;
    private readonly AssemblyResolver _loader;

    /// <summary>Resolves paths with <paramref name="paths"/>, packages from <paramref name="packages"/>, and loads with <paramref name="loader"/>.</summary>
    public ReferenceResolver(ScriptMetadataResolver paths, PackageRestorer packages, AssemblyResolver loader)
    {
        _paths = paths;
        _packages = packages;
        _loader = loader;
    }

    /// <inheritdoc/>
    public override bool ResolveMissingAssemblies => _paths.ResolveMissingAssemblies;

    /// <inheritdoc/>
    public override ImmutableArray<PortableExecutableReference> ResolveReference(
        string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        if (PackageReference.IsPackage(reference))
        {
            // A cell's package directives are restored and removed before it compiles (CellReferences); this answers the
            // requests for completions in a cell that still has one: its main assembly once restored, else not found.
            return PackageReference.TryParse(reference, out var package, out _) && _packages.Restored(package) is { } restored
                && MainAssembly(restored) is { } main
                ? [MetadataReference.CreateFromFile(main, properties)]
                : [];
        }
        var resolved = _paths.ResolveReference(reference, baseFilePath, properties);
        foreach (var file in resolved)
        {
            if (file.FilePath is not null)
            {
                _loader.AddAssembly(file.FilePath);
            }
        }
        return resolved;
    }

    private static string? MainAssembly(RestoredPackage package) =>
        package.CompileAssemblies.FirstOrDefault(p => string.Equals(Path.GetFileNameWithoutExtension(p), package.Package.Name, StringComparison.OrdinalIgnoreCase))
        ?? package.CompileAssemblies.FirstOrDefault();

    /// <inheritdoc/>
    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity)
    {
        var resolved = _paths.ResolveMissingAssembly(definition, referenceIdentity);
        if (resolved?.FilePath is not null)
        {
            _loader.AddAssembly(resolved.FilePath);
        }
        return resolved;
    }

    /// <inheritdoc/>
    public override bool Equals(object? other) =>
        other is ReferenceResolver r && r._paths.Equals(_paths) && ReferenceEquals(r._packages, _packages);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_paths, _packages);
}
