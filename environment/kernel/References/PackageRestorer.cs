using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Diffusion.Kernel.References;

/// <summary>A package that could not be restored; the message names the package and version and NuGet's reason.</summary>
internal sealed class PackageRestoreException(string message) : Exception(message);

/// <summary>
/// Restores the packages of <c>#r "nuget: ..."</c> as .NET Interactive does: one small project that references every package
/// the notebook asked for so far (so they share one consistent set of dependencies), restored with <c>dotnet restore</c> from
/// the machine's NuGet feeds into the global packages folder. Each set of packages gets its own folder under the cache, and a
/// set of exact versions already restored there is not restored again (a kernel restart costs no restore).
/// </summary>
internal sealed class PackageRestorer
{
    private readonly string _cacheRoot;
    private readonly string _targetFramework;
    private readonly Lock _lock = new();
    private readonly List<PackageReference> _requested = [];
    private readonly Dictionary<string, RestoredPackage> _restored = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Restores under <paramref name="cacheRoot"/> for <paramref name="targetFramework"/> (default: the running one).</summary>
    public PackageRestorer(string cacheRoot, string? targetFramework = null)
    {
        _cacheRoot = cacheRoot;
        _targetFramework = targetFramework ?? $"net{Environment.Version.Major}.{Environment.Version.Minor}";
    }

    /// <summary>The default cache: $XDG_CACHE_HOME/diffusion-kernel/packages, else ~/.cache/diffusion-kernel/packages.</summary>
    public static string DefaultCacheRoot()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            cache = home.Length > 0 ? Path.Combine(home, ".cache") : Path.GetTempPath();
        }
        return Path.Combine(cache, "diffusion-kernel", "packages");
    }

    /// <summary>The package as restored, or null when it was not (yet).</summary>
    public RestoredPackage? Restored(PackageReference package)
    {
        lock (_lock)
        {
            return _restored.GetValueOrDefault(package.Name) is { } restored && SameRequest(restored.Package, package) ? restored : null;
        }
    }

    /// <summary>
    /// Restores <paramref name="packages"/> together with those restored before and returns them with their files; packages
    /// restored before are returned at once.
    /// </summary>
    /// <exception cref="PackageRestoreException">NuGet could not restore them (unknown name or version, feed unreachable...).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (the restore process is stopped).</exception>
    public IReadOnlyList<RestoredPackage> Restore(IReadOnlyList<PackageReference> packages, CancellationToken token)
    {
        lock (_lock)
        {
            var fresh = new List<PackageReference>();
            foreach (var package in packages)
            {
                if (_restored.TryGetValue(package.Name, out var earlier))
                {
                    if (!SameRequest(earlier.Package, package))
                    {
                        throw new PackageRestoreException(
                            $"{package.Directive}: {earlier.Package.Name} {earlier.Version} is already loaded in this kernel (from "
                            + $"{earlier.Package.Directive}); a second version cannot be loaded. Restart the kernel to change it.");
                    }
                    continue;
                }
                if (!fresh.Any(p => string.Equals(p.Name, package.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    fresh.Add(package);
                }
            }
            if (fresh.Count > 0)
            {
                var all = _requested.Concat(fresh).ToList();
                var assets = RestoreProject(all, fresh, token);
                foreach (var package in all)
                {
                    _restored[package.Name] = assets.Find(package)
                        ?? throw new PackageRestoreException($"{package.Directive}: the restore did not produce the package {package.Name}.");
                }
                _requested.AddRange(fresh);
            }
            return packages.Select(p => _restored[p.Name]).ToList();
        }
    }

    private static bool SameRequest(PackageReference a, PackageReference b) =>
        string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase) && string.Equals(a.Version, b.Version, StringComparison.OrdinalIgnoreCase);

    private AssetsFile RestoreProject(IReadOnlyList<PackageReference> all, IReadOnlyList<PackageReference> fresh, CancellationToken token)
    {
        var project = ProjectXml(all);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(project)))[..16].ToLowerInvariant();
        var folder = Path.Combine(_cacheRoot, key);
        var projectPath = Path.Combine(folder, "packages.csproj");
        var assetsPath = Path.Combine(folder, "obj", "project.assets.json");
        // NuGet writes the assets file even when a restore fails, so success is marked by a file of our own.
        var successPath = Path.Combine(folder, "restored");
        var cached = File.Exists(successPath) && File.Exists(projectPath) && File.ReadAllText(projectPath) == project
            && !all.Any(p => p.IsFloating);
        if (!cached)
        {
            Directory.CreateDirectory(folder);
            File.Delete(successPath);
            File.WriteAllText(projectPath, project);
            DotnetRestore.Run(projectPath, fresh, token);
            File.WriteAllText(successPath, "");
        }
        try
        {
            return AssetsFile.Load(assetsPath, _targetFramework);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new PackageRestoreException($"{DotnetRestore.Names(fresh)}: NuGet's restore left no usable {assetsPath}: {e.Message}");
        }
    }

    private string ProjectXml(IReadOnlyList<PackageReference> packages)
    {
        var project = new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
            new XComment(" Written by the course kernel for #r \"nuget: ...\"; restored, never built. "),
            new XElement("PropertyGroup",
                new XElement("TargetFramework", _targetFramework),
                new XElement("ImplicitUsings", "disable"),
                new XElement("TreatWarningsAsErrors", "false")),
            new XElement("ItemGroup", packages.Select(p =>
                new XElement("PackageReference", new XAttribute("Include", p.Name), new XAttribute("Version", p.VersionRange)))));
        return project.ToString() + "\n";
    }
}
