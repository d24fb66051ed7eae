using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Diffusion.Kernel.References;

/// <summary>
/// Reads NuGet's obj/project.assets.json after a restore: for a package, the closure of its dependencies and their compile,
/// runtime and native files (absolute paths in the global packages folder) for the restored target framework.
/// </summary>
internal sealed class AssetsFile
{
    private readonly JsonObject _target;
    private readonly JsonObject _libraries;
    private readonly string _packagesFolder;

    private AssetsFile(JsonObject target, JsonObject libraries, string packagesFolder)
    {
        _target = target;
        _libraries = libraries;
        _packagesFolder = packagesFolder;
    }

    /// <summary>Parses the assets file; <paramref name="targetFramework"/> is the framework restored (net10.0).</summary>
    /// <exception cref="InvalidDataException">The file lacks that target or a packages folder.</exception>
    public static AssetsFile Load(string path, string targetFramework)
    {
        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{path} is not a JSON object");
        var target = root["targets"]?[targetFramework] as JsonObject
            ?? throw new InvalidDataException($"{path} has no target '{targetFramework}'");
        var libraries = root["libraries"] as JsonObject ?? throw new InvalidDataException($"{path} has no libraries");
        var folder = (root["packageFolders"] as JsonObject)?.Select(p => p.Key).FirstOrDefault()
            ?? throw new InvalidDataException($"{path} has no packageFolders");
        return new AssetsFile(target, libraries, folder);
    }

    /// <summary>The package's files and those of every package it depends on; null when the package was not restored.</summary>
    public RestoredPackage? Find(PackageReference package)
    {
        var key = KeyOf(package.Name);
        if (key is null)
        {
            return null;
        }
        var closure = Closure(key);
        var compile = new List<string>();
        var runtime = new List<string>();
        var native = new List<string>();
        foreach (var library in closure)
        {
            if (_target[library] is not JsonObject entry || _libraries[library]?["path"]?.GetValue<string>() is not { } folder)
            {
                continue;
            }
            compile.AddRange(Files(entry["compile"], folder));
            var ridRuntime = RidFiles(entry, folder, "runtime").ToList();
            runtime.AddRange(ridRuntime.Count > 0 ? ridRuntime : Files(entry["runtime"], folder));
            native.AddRange(RidFiles(entry, folder, "native"));
            native.AddRange(Files(entry["native"], folder));
        }
        var version = key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var dependencies = closure.Skip(1).Select(k => k.Replace('/', ' ')).ToList();
        return new RestoredPackage(package, version, compile, runtime, native, dependencies);
    }

    private string? KeyOf(string name) =>
        _target.Select(p => p.Key).FirstOrDefault(k => k.StartsWith(name + "/", StringComparison.OrdinalIgnoreCase)
            && _target[k]?["type"]?.GetValue<string>() == "package");

    /// <summary>The library keys ("Name/Version") reachable from <paramref name="key"/>, itself first.</summary>
    private List<string> Closure(string key)
    {
        var result = new List<string>();
        var pending = new Stack<string>([key]);
        while (pending.TryPop(out var next))
        {
            if (result.Contains(next, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            result.Add(next);
            if (_target[next]?["dependencies"] is JsonObject dependencies)
            {
                foreach (var name in dependencies.Select(d => d.Key).Reverse())
                {
                    if (KeyOf(name) is { } dependency)
                    {
                        pending.Push(dependency);
                    }
                }
            }
        }
        return result;
    }

    private IEnumerable<string> Files(JsonNode? assets, string folder) =>
        (assets as JsonObject ?? []).Select(p => p.Key)
            .Where(f => !f.EndsWith("/_._", StringComparison.Ordinal) && f != "_._")
            .Select(f => Path.Combine(_packagesFolder, folder, f));

    /// <summary>Files of runtimeTargets of one asset type for the closest runtime identifier of this machine.</summary>
    private IEnumerable<string> RidFiles(JsonObject entry, string folder, string assetType)
    {
        if (entry["runtimeTargets"] is not JsonObject targets)
        {
            return [];
        }
        var byRid = targets
            .Where(p => p.Value?["assetType"]?.GetValue<string>() == assetType)
            .GroupBy(p => p.Value?["rid"]?.GetValue<string>() ?? "")
            .ToDictionary(g => g.Key, g => g.Select(p => p.Key).ToList());
        foreach (var rid in RuntimeIdentifiers())
        {
            if (byRid.TryGetValue(rid, out var files))
            {
                return files.Where(f => !f.EndsWith("/_._", StringComparison.Ordinal)).Select(f => Path.Combine(_packagesFolder, folder, f));
            }
        }
        return [];
    }

    /// <summary>This machine's runtime identifiers, most specific first (linux-x64, linux, unix, any).</summary>
    public static IEnumerable<string> RuntimeIdentifiers()
    {
        var arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        yield return RuntimeInformation.RuntimeIdentifier;
        yield return $"{os}-{arch}";
        yield return os;
        if (os != "win")
        {
            yield return "unix";
        }
        yield return "any";
    }
}
