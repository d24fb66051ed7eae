using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffusion.Cli.Setup;

/// <summary>
/// The course's Jupyter kernelspecs: the course kernel as <see cref="CourseName"/> (a name of its own: .NET Interactive claims
/// <c>.net-csharp</c>), and .NET Interactive as <see cref="DotnetInteractiveName"/> for the developers' comparison runs.
/// Installed for the current user through the user's Jupyter (<see cref="Jupyter"/>), idempotently; a kernel of someone else's
/// already installed under the name is left alone unless <c>--force</c>.
/// </summary>
internal static class KernelSpecs
{
    /// <summary>The course kernel's kernelspec name (the notebooks' metadata names it).</summary>
    public const string CourseName = "diffusion-csharp";

    /// <summary>The course kernel's display name.</summary>
    public const string CourseDisplayName = "C# (diffusion course)";

    /// <summary>.NET Interactive's kernelspec name, beside the course kernel.</summary>
    public const string DotnetInteractiveName = "dotnet-interactive-csharp";

    /// <summary>The marker in a spec's metadata that says the course installed it.</summary>
    public const string Provider = "diffusion-course";

    /// <summary>The course kernel's spec: <c>dotnet Diffusion.Kernel.dll {connection_file}</c>.</summary>
    public static JsonObject Course(string dotnet, string kernelDll) => new()
    {
        ["argv"] = new JsonArray(dotnet, Path.GetFullPath(kernelDll), "{connection_file}"),
        ["display_name"] = CourseDisplayName,
        ["language"] = "C#",
        ["interrupt_mode"] = "message",
        ["metadata"] = new JsonObject { ["kernel_provider"] = Provider, ["implementation"] = "Diffusion.Kernel" },
    };

    /// <summary>
    /// .NET Interactive's spec, running the restored tool's assembly directly (a global <c>dotnet interactive</c> would need the
    /// repository as working directory). <c>--http-local-only</c> keeps its HTTP server (ports 2048-3000) on the loopback interface.
    /// </summary>
    public static JsonObject DotnetInteractive(string dotnet, string toolDll, string version) => new()
    {
        ["argv"] = new JsonArray(dotnet, toolDll, "jupyter", "--default-kernel", "csharp", "--http-local-only", "{connection_file}"),
        ["display_name"] = ".NET Interactive (C#)",
        ["language"] = "C#",
        ["env"] = new JsonObject { ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_INTERACTIVE_SKIP_FIRST_TIME_EXPERIENCE"] = "1" },
        ["metadata"] = new JsonObject { ["kernel_provider"] = Provider, ["implementation"] = $"{DotnetInteractiveTool.Package} {version}" },
    };

    /// <summary>True when <paramref name="spec"/> was installed by the course (its marker, or it runs our kernel).</summary>
    public static bool IsOurs(JsonObject spec) =>
        spec["metadata"]?["kernel_provider"]?.GetValue<string>() == Provider
        || (spec["argv"] as JsonArray)?.Any(a => a?.GetValue<string>().EndsWith("Diffusion.Kernel.dll", StringComparison.Ordinal) == true) == true;

    /// <summary>
    /// Installs <paramref name="spec"/> as <paramref name="name"/> for the current user; returns a line saying what happened.
    /// Does nothing when the same spec is installed; refuses (unless <paramref name="force"/>) to replace a kernel of someone else's.
    /// </summary>
    public static string Install(Jupyter jupyter, string name, JsonObject spec, bool force = false)
    {
        if (jupyter.KernelSpecs().TryGetValue(name, out var existing))
        {
            if (!force && !IsOurs(existing.Spec))
            {
                throw new InvalidOperationException($"a different Jupyter kernel is installed as '{name}' in {existing.Folder}; it was left as it is " +
                    "(pass --force to replace it, or remove it with `jupyter kernelspec remove " + name + "`)");
            }
            if (SameSpec(existing.Spec, spec))
            {
                return $"the Jupyter kernel '{name}' ({spec["display_name"]}) is installed in {existing.Folder}";
            }
        }
        string folder = Path.Combine(Path.GetTempPath(), $"diffusion-kernelspec-{Environment.ProcessId}", name);
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "kernel.json"), spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            var result = jupyter.Run("install", "--user", "--replace", "--name", name, folder);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"'{jupyter.Display} install --user --name {name}' failed: {result.Text}");
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
        var installed = jupyter.KernelSpecs().TryGetValue(name, out var now) ? now.Folder : "(not listed afterwards)";
        return $"installed the Jupyter kernel '{name}' ({spec["display_name"]}) in {installed}";
    }

    /// <summary>Jupyter adds nothing to a spec it lists, so the installed one equals ours when nothing changed (key order aside).</summary>
    private static bool SameSpec(JsonObject installed, JsonObject ours) =>
        ours.All(kv => JsonNode.DeepEquals(installed[kv.Key], kv.Value));

    /// <summary>The <c>dotnet</c> that runs this tool: the one on PATH, else the one above the running runtime's folder.</summary>
    public static string Dotnet()
    {
        if (ProcessRunner.FindOnPath("dotnet") is { } onPath)
        {
            return Path.GetFullPath(new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath);
        }
        string runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        string root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        string candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }
}
