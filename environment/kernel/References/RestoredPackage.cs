namespace Diffusion.Kernel.References;

/// <summary>A restored package with its dependencies: the files to compile against, to load, and native libraries.</summary>
/// <param name="Package">The package as the cell asked for it.</param>
/// <param name="Version">The version NuGet resolved.</param>
/// <param name="CompileAssemblies">Reference assemblies of the package and its dependencies, for the compiler.</param>
/// <param name="RuntimeAssemblies">Implementation assemblies of the package and its dependencies, for loading.</param>
/// <param name="NativeLibraries">Native libraries for this platform (runtimes/RID/native).</param>
/// <param name="Dependencies">The packages it brought in, as "Name Version".</param>
internal sealed record RestoredPackage(
    PackageReference Package,
    string Version,
    IReadOnlyList<string> CompileAssemblies,
    IReadOnlyList<string> RuntimeAssemblies,
    IReadOnlyList<string> NativeLibraries,
    IReadOnlyList<string> Dependencies);
