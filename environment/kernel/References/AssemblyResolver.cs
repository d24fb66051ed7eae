using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Diffusion.Kernel.References;

/// <summary>
/// Loads every assembly that cells reference (by <c>#r</c> path or NuGet package) and their dependencies into one load context,
/// once per simple name. Roslyn scripting on its own gives each assembly loaded from a path its own load context, so a
/// dependency shared by two of them (FSharp.Core under Plotly.NET and Giraffe.ViewEngine) is loaded twice and the two copies'
/// types do not match (MissingMethodException). Here the context's Resolving event answers first: with the assembly of that
/// name already loaded, else the highest version among the known files, from the folders of referenced assemblies and the
/// restored packages. Native libraries of restored packages are resolved by file name.
/// </summary>
internal sealed class AssemblyResolver
{
    private readonly AssemblyLoadContext _context;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<string>> _files = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _folders = [];
    private readonly Dictionary<string, string> _nativeLibraries = new(StringComparer.Ordinal);

    /// <summary>Resolves for <paramref name="context"/> (the default context in the kernel).</summary>
    public AssemblyResolver(AssemblyLoadContext context)
    {
        _context = context;
        context.Resolving += (_, name) => Resolve(name);
        context.ResolvingUnmanagedDll += (_, name) => ResolveNative(name);
    }

    /// <summary>Messages about version mismatches (the kernel's log).</summary>
    public Action<string> Warn { get; init; } = _ => { };

    /// <summary>Registers a referenced assembly file; the other assemblies of its folder become candidates too.</summary>
    public void AddAssembly(string path)
    {
        path = Path.GetFullPath(path);
        lock (_lock)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (!_files.TryGetValue(name, out var paths))
            {
                _files[name] = paths = new HashSet<string>(StringComparer.Ordinal);
            }
            paths.Add(path);
            var folder = Path.GetDirectoryName(path)!;
            if (!_folders.Contains(folder))
            {
                _folders.Add(folder);
            }
        }
    }

    /// <summary>Registers a native library (a package's runtimes/RID/native asset).</summary>
    public void AddNativeLibrary(string path)
    {
        lock (_lock)
        {
            _nativeLibraries.TryAdd(Path.GetFileName(path), Path.GetFullPath(path));
        }
    }

    /// <summary>The file to load for <paramref name="name"/>: the highest version among the candidates, or null.</summary>
    public string? Find(AssemblyName name)
    {
        if (name.Name is null)
        {
            return null;
        }
        List<string> candidates;
        lock (_lock)
        {
            candidates = _files.TryGetValue(name.Name, out var paths) ? [.. paths] : [];
            candidates.AddRange(_folders.Select(f => Path.Combine(f, name.Name + ".dll")).Where(File.Exists));
        }
        string? best = null;
        Version? bestVersion = null;
        foreach (var path in candidates.Distinct(StringComparer.Ordinal))
        {
            var version = VersionOf(path);
            if (version is not null && (bestVersion is null || version > bestVersion))
            {
                (best, bestVersion) = (path, version);
            }
        }
        if (best is not null && name.Version is not null && bestVersion < name.Version)
        {
            Warn($"kernel: {name.Name} {name.Version} was asked for; the highest available is {bestVersion} ({best})");
        }
        return best;
    }

    private Assembly? Resolve(AssemblyName name)
    {
        // One copy per simple name: an assembly of that name already loaded (at a lower version than asked) is reused.
        var loaded = _context.Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, name.Name, StringComparison.OrdinalIgnoreCase));
        if (loaded is not null)
        {
            Warn($"kernel: {name.FullName} was asked for; using the loaded {loaded.GetName().Version}");
            return loaded;
        }
        var path = Find(name);
        return path is null ? null : _context.LoadFromAssemblyPath(path);
    }

    private IntPtr ResolveNative(string name)
    {
        string? path;
        lock (_lock)
        {
            path = Candidates(name).Select(c => _nativeLibraries.GetValueOrDefault(c)).FirstOrDefault(p => p is not null);
        }
        return path is not null && NativeLibrary.TryLoad(path, out var handle) ? handle : IntPtr.Zero;
    }

    private static IEnumerable<string> Candidates(string name)
    {
        yield return name;
        yield return name + ".so";
        yield return "lib" + name + ".so";
        yield return name + ".dylib";
        yield return "lib" + name + ".dylib";
        yield return name + ".dll";
    }

    private static Version? VersionOf(string path)
    {
        try
        {
            return AssemblyName.GetAssemblyName(path).Version ?? new Version(0, 0);
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or ArgumentException)
        {
            return null; // not a managed assembly (a native library in the folder)
        }
    }
}
