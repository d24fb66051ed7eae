using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Diffusion.Kernel.References;

/// <summary>
/// Runs <c>dotnet restore</c> on the packages project (the .NET SDK that runs the kernel, else the one on PATH) and turns a
/// failure into a message that names the packages asked for and NuGet's reasons.
/// </summary>
internal static partial class DotnetRestore
{
    private static readonly string[] MsBuildVariables = ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly"];

    /// <summary>Restores <paramref name="projectPath"/>; <paramref name="fresh"/> are the packages this restore adds.</summary>
    /// <exception cref="PackageRestoreException">The restore failed, or dotnet could not be started.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the restore process is stopped.</exception>
    public static void Run(string projectPath, IReadOnlyList<PackageReference> fresh, CancellationToken token)
    {
        var start = new ProcessStartInfo(DotnetExecutable())
        {
            WorkingDirectory = Path.GetDirectoryName(projectPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "restore", projectPath, "--nologo", "-v", "quiet",
            "-p:ImportDirectoryBuildProps=false", "-p:ImportDirectoryBuildTargets=false", "-p:ImportDirectoryPackagesProps=false",
        })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var variable in MsBuildVariables)
        {
            start.Environment.Remove(variable); // set when the kernel runs under `dotnet test`; they would steer the child's MSBuild
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PackageRestoreException($"{Names(fresh)}: NuGet packages are restored with the .NET SDK, and '{start.FileName}' "
                + $"could not be started ({e.Message}). Install the .NET SDK or put dotnet on PATH.");
        }
        using var process = started
            ?? throw new PackageRestoreException($"{Names(fresh)}: could not start '{start.FileName} restore'.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            process.WaitForExitAsync(token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var text = output.GetAwaiter().GetResult() + "\n" + errors.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new PackageRestoreException(FailureMessage(fresh, text, process.ExitCode));
        }
    }

    [GeneratedRegex(@"(?:error|warning) (?<code>NU\d+|MSB\d+|NETSDK\d+): (?<text>.*?)(?: \[[^\]]*\])?\s*$", RegexOptions.Multiline)]
    private static partial Regex DiagnosticLine();

    /// <summary>The message for a failed restore: the packages asked for, then NuGet's error lines, then what to check.</summary>
    public static string FailureMessage(IReadOnlyList<PackageReference> fresh, string output, int exitCode)
    {
        var lines = output.Split('\n')
            .Where(l => l.Contains(" error ", StringComparison.Ordinal))
            .Select(l => DiagnosticLine().Match(l))
            .Where(m => m.Success)
            .Select(m => $"{m.Groups["code"].Value}: {m.Groups["text"].Value.Trim()}")
            .Distinct()
            .ToList();
        if (lines.Count == 0)
        {
            lines.Add($"dotnet restore exited with code {exitCode}: {output.Trim()}");
        }
        return $"{Names(fresh)} could not be restored:\n  " + string.Join("\n  ", lines)
            + "\nCheck the package name and version (nuget.org, or the feeds of your NuGet.config).";
    }

    /// <summary>The packages as the user wrote them.</summary>
    public static string Names(IReadOnlyList<PackageReference> packages) => string.Join(", ", packages.Select(p => p.Directive));

    /// <summary>The dotnet executable: the one running the kernel, else DOTNET_ROOT's, else the one on PATH.</summary>
    public static string DotnetExecutable()
    {
        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            return process;
        }
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet")))
        {
            return Path.Combine(root, "dotnet");
        }
        return "dotnet";
    }
}
