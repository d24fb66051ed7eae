using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace Diffusion.Kernel.References;

/// <summary>
/// Resolves a cell's <c>#r</c> directives for the compiler. A path (relative to the notebook's folder, or absolute) is resolved
/// as Roslyn scripting does, and the file is handed to the <see cref="AssemblyResolver"/> so that it and its dependencies load
/// once. <c>#r "nuget: Name, Version"</c> directives are handled before compiling (<see cref="CellReferences"/>).
/// </summary>
internal sealed class ReferenceResolver(ScriptMetadataResolver paths, PackageRestorer packages, AssemblyResolver loader)
    : MetadataReferenceResolver
{
    /// <inheritdoc/>
    public override bool ResolveMissingAssemblies => paths.ResolveMissingAssemblies;

    /// <inheritdoc/>
    public override ImmutableArray<PortableExecutableReference> ResolveReference(
        string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        if (PackageReference.IsPackage(reference))
        {
            // A cell's package directives are restored and removed before it compiles (CellReferences); this answers the
            // requests for completions in a cell that still has one: its main assembly once restored, else not found.
            return PackageReference.TryParse(reference, out var package, out _) && packages.Restored(package) is { } restored
                && MainAssembly(restored) is { } main
                ? [MetadataReference.CreateFromFile(main, properties)]
                : [];
        }
        var resolved = paths.ResolveReference(reference, baseFilePath, properties);
        foreach (var file in resolved)
        {
            if (file.FilePath is not null)
            {
                loader.AddAssembly(file.FilePath);
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
        var resolved = paths.ResolveMissingAssembly(definition, referenceIdentity);
        if (resolved?.FilePath is not null)
        {
            loader.AddAssembly(resolved.FilePath);
        }
        return resolved;
    }

    /// <inheritdoc/>
    public override bool Equals(object? other) =>
        other is ReferenceResolver r && r.Paths.Equals(paths) && ReferenceEquals(r.Packages, packages);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(paths, packages);

    private ScriptMetadataResolver Paths => paths;

    private PackageRestorer Packages => packages;
}
