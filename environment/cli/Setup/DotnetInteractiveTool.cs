using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffusion.Cli.Setup;

/// <summary>
/// .NET Interactive, the tool pinned by the repository's manifest (<c>.config/dotnet-tools.json</c>), restored locally (never
/// globally) and checked: <c>dotnet tool restore</c> trusts the SDK's tool resolver cache, which remembers where the package
/// was the last time, so after the NuGet cache was cleared or moved (<c>NUGET_PACKAGES</c> pointing elsewhere, <c>dotnet nuget
/// locals all --clear</c>) it answers "was restored" and downloads nothing. <see cref="Restore"/> looks for the tool's assembly
/// in the packages folder NuGet uses now, and when it is not there removes the resolver cache's stale entries for the package and
/// restores again.
/// </summary>
internal static class DotnetInteractiveTool
{
    /// <summary>The NuGet package.</summary>
    public const string Package = "microsoft.dotnet-interactive";

    private const string EntryAssembly = "Microsoft.DotNet.Interactive.App.dll";

    /// <summary>The version the manifest pins.</summary>
    public static string Version(string root)
    {
        string manifest = Path.Combine(root, ".config", "dotnet-tools.json");
        return JsonNode.Parse(File.ReadAllText(manifest))?["tools"]?[Package]?["version"]?.GetValue<string>()
            ?? throw new InvalidDataException($"{manifest} pins no version of {Package}");
    }

    /// <summary>The global packages folder NuGet restores into now (<c>dotnet nuget locals global-packages --list</c>).</summary>
    public static string PackagesFolder(string root)
    {
        var result = ProcessRunner.Run(KernelSpecs.Dotnet(), ["nuget", "locals", "global-packages", "--list"], root, TimeSpan.FromMinutes(2));
        const string Prefix = "global-packages:";
        string? line = result.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        if (line is not null)
        {
            return Path.TrimEndingDirectorySeparator(line[Prefix.Length..].Trim());
        }
        return Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } fromEnv
            ? fromEnv
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    /// <summary>The restored tool's entry assembly under <paramref name="packages"/>, or null.</summary>
    public static string? Find(string packages, string version)
    {
        string tools = Path.Combine(packages, Package, version, "tools");
        return Directory.Exists(tools)
            ? Directory.EnumerateFiles(tools, EntryAssembly, SearchOption.AllDirectories).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
    }

    /// <summary>
    /// Restores the tool and returns its entry assembly, verified to exist in the current packages folder; repairs a stale
    /// resolver cache once (see the class remarks). <paramref name="log"/> hears what was repaired.
    /// </summary>
    /// <exception cref="InvalidOperationException">The restore failed, or the assembly is still missing after the repair.</exception>
    public static string Restore(string root, Action<string> log)
    {
        string version = Version(root), packages = PackagesFolder(root);
        for (int attempt = 0; ; attempt++)
        {
            var result = ProcessRunner.Run(KernelSpecs.Dotnet(), ["tool", "restore"], root, TimeSpan.FromMinutes(20));
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"'dotnet tool restore' failed in {root}: {result.Text}");
            }
            if (Find(packages, version) is { } dll)
            {
                return dll;
            }
            if (attempt > 0)
            {
                throw new InvalidOperationException($"'dotnet tool restore' reported {Package} {version} restored, but {Path.Combine(packages, Package, version)} " +
                    $"has no {EntryAssembly}, even after its stale entries in {ResolverCacheFile()} were removed");
            }
            int removed = RemoveStaleResolverEntries(packages);
            log($"'dotnet tool restore' said {Package} {version} was restored, but it is not in {packages} (NuGet's packages folder now): " +
                $"removed {removed} stale entr{(removed == 1 ? "y" : "ies")} of the SDK's tool resolver cache and restoring again");
        }
    }

    /// <summary>The SDK's tool resolver cache file for the package (<c>DOTNET_CLI_HOME</c> or the home folder, <c>.dotnet/toolResolverCache/1/</c>).</summary>
    public static string ResolverCacheFile()
    {
        string home = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") is { Length: > 0 } cliHome
            ? cliHome
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".dotnet", "toolResolverCache", "1", Package);
    }

    /// <summary>
    /// Removes the resolver cache's entries whose assembly is not under <paramref name="packages"/> (the file is a JSON array of
    /// entries with <c>PathToExecutable</c>); deletes the file when none is left. Returns how many were removed.
    /// </summary>
    public static int RemoveStaleResolverEntries(string packages, string? cacheFile = null)
    {
        cacheFile ??= ResolverCacheFile();
        if (!File.Exists(cacheFile))
        {
            return 0;
        }
        JsonArray entries;
        try
        {
            entries = JsonNode.Parse(File.ReadAllText(cacheFile)) as JsonArray ?? [];
        }
        catch (JsonException)
        {
            File.Delete(cacheFile);
            return 1;
        }
        string prefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(packages)) + Path.DirectorySeparatorChar;
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var keep = new JsonArray();
        int removed = 0;
        foreach (var entry in entries)
        {
            string? path = entry?["PathToExecutable"]?.GetValue<string>();
            if (path is not null && Path.GetFullPath(path).StartsWith(prefix, comparison) && File.Exists(path))
            {
                keep.Add(entry!.DeepClone());
            }
            else
            {
                removed++;
            }
        }
        if (keep.Count == 0)
        {
            File.Delete(cacheFile);
        }
        else
        {
            File.WriteAllText(cacheFile, keep.ToJsonString());
        }
        return removed;
    }
}
