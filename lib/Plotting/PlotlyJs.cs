namespace Diffusion.Plotting;

/// <summary>
/// Finds and loads the pinned plotly.js bundle (npm <c>plotly.js-dist-min</c>, installed by
/// <c>environment/setup.sh</c>) so figures render offline, and remembers whether this notebook already has it.
/// </summary>
/// <remarks>
/// Search order: the file named by <c>DIFFUSION_PLOTLY_JS</c>; then
/// <c>environment/node_modules/plotly.js-dist-min/plotly.min.js</c> in the assembly's folder, the current
/// folder, and each of their parents.
/// </remarks>
public static class PlotlyJs
{
    /// <summary>The environment variable that may name the bundle file directly.</summary>
    public const string EnvironmentVariable = "DIFFUSION_PLOTLY_JS";

    /// <summary>The bundle's path relative to the repository root.</summary>
    public const string RelativePath = "environment/node_modules/plotly.js-dist-min/plotly.min.js";

    private static readonly Lock Gate = new();
    private static string? _source;
    private static string? _path;
    private static bool _inNotebook;

    /// <summary>The bundle's path; throws <see cref="FileNotFoundException"/> with setup advice when it is missing.</summary>
    public static string Path
    {
        get
        {
            lock (Gate)
            {
                return _path ??= Locate();
            }
        }
    }

    /// <summary>The bundle's JavaScript (read once, ~4.8 MB).</summary>
    public static string Source
    {
        get
        {
            lock (Gate)
            {
                return _source ??= File.ReadAllText(_path ??= Locate());
            }
        }
    }

    /// <summary>The plotly.js version from the bundle's header comment (e.g. <c>3.1.2</c>), or "unknown".</summary>
    public static string Version
    {
        get
        {
            var head = Source.AsSpan(0, Math.Min(200, Source.Length));
            int i = head.IndexOf("plotly.js v", StringComparison.Ordinal);
            if (i < 0)
            {
                return "unknown";
            }
            var rest = head[(i + "plotly.js v".Length)..];
            int end = rest.IndexOfAny(" \r\n*");
            return (end < 0 ? rest : rest[..end]).ToString();
        }
    }

    /// <summary>
    /// Claims the right to inline plotly.js into this notebook: true the first time (that output carries the bundle),
    /// false afterwards (later outputs reuse <c>window.Plotly</c>). A new kernel process starts over.
    /// </summary>
    internal static bool ClaimNotebookInjection()
    {
        lock (Gate)
        {
            if (_inNotebook)
            {
                return false;
            }
            _inNotebook = true;
            return true;
        }
    }

    /// <summary>
    /// Forgets that plotly.js was sent to the notebook, so the next figure inlines it again (use it after clearing
    /// the output that carried it, or when a figure shows "plotly.js is not loaded").
    /// </summary>
    public static void ResetNotebook()
    {
        lock (Gate)
        {
            _inNotebook = false;
        }
    }

    /// <summary>Finds the bundle (see the class remarks for the order).</summary>
    public static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            if (File.Exists(fromEnv))
            {
                return System.IO.Path.GetFullPath(fromEnv);
            }
            throw new FileNotFoundException($"{EnvironmentVariable} names '{fromEnv}', which does not exist. Unset it, or point it at plotly.min.js (run environment/setup.sh to install the pinned copy).", fromEnv);
        }
        var tried = new List<string>();
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, RelativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
                if (tried.Count < 2 || dir.Parent is null)
                {
                    tried.Add(dir.FullName);
                }
            }
        }
        throw new FileNotFoundException(
            $"plotly.js was not found: looked for {RelativePath} above {string.Join(" and ", new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() }.Distinct())}. " +
            $"Run 'bash environment/setup.sh' in the repository (it runs 'npm ci' in environment/), or set {EnvironmentVariable} to the path of plotly.min.js.");
    }
}
