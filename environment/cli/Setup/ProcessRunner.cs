using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Diffusion.Cli.Setup;

/// <summary>What a child process printed and how it ended.</summary>
/// <param name="ExitCode">The exit code (−1 when it could not start or timed out).</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error (or why it could not start).</param>
internal sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    /// <summary>True when the process ran and exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Output and error together, trimmed.</summary>
    public string Text => (Output + Error).Trim();
}

/// <summary>Runs a program with arguments passed as a list (no shell, so nothing is quoted twice on any OS).</summary>
internal static class ProcessRunner
{
    /// <summary>Runs <paramref name="fileName"/> and waits for it (at most <paramref name="timeout"/>).</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }
        try
        {
            using var process = Process.Start(info) ?? throw new Win32Exception($"{fileName} did not start");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(30)))
            {
                process.Kill(entireProcessTree: true);
                return new ProcessResult(-1, output.Result, error.Result + $"\n{fileName} did not finish in {timeout}");
            }
            process.WaitForExit();
            return new ProcessResult(process.ExitCode, output.Result, error.Result);
        }
        catch (Win32Exception e)
        {
            return new ProcessResult(-1, "", $"{fileName} could not be started: {e.Message}");
        }
    }

    /// <summary>
    /// The full path of <paramref name="name"/> on PATH (with the PATHEXT extensions on Windows), or null.
    /// </summary>
    public static string? FindOnPath(string name)
    {
        var extensions = OperatingSystem.IsWindows()
            ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE;.CMD;.BAT").Split(';', StringSplitOptions.RemoveEmptyEntries).Prepend("")
            : [""];
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var ext in extensions)
            {
                string candidate = Path.Combine(folder.Trim('"'), name + ext.ToLowerInvariant());
                if (File.Exists(candidate) && (OperatingSystem.IsWindows() || IsExecutable(candidate)))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool IsExecutable(string path) =>
        (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
