using Plotly.NET;

namespace Diffusion.Hosting;

/// <summary>
/// The plotly.js bundle that Plotly.NET embeds in its own assembly (<c>PlotlyJSReference.Full</c>), so figures draw
/// offline; and whether this notebook already holds it (a notebook loads it once, with its first figure).
/// </summary>
/// <remarks>
/// Plotly.NET keeps the bundle as the manifest resource <c>Plotly.NET.plotly-{version}.min.js</c>, the version being
/// <c>Globals.PLOTLYJS_VERSION</c> (2.28.0 for Plotly.NET 6.0.0). Nothing is downloaded and no npm package is needed.
/// </remarks>
public static class PlotlyBundle
{
    private static readonly Lock Gate = new();
    private static string? _source;
    private static bool _inNotebook;

    /// <summary>The plotly.js version Plotly.NET embeds, e.g. <c>2.28.0</c>.</summary>
    public static string Version => Globals.PLOTLYJS_VERSION;

    /// <summary>The name of the manifest resource in Plotly.NET's assembly that holds the minified bundle.</summary>
    public static string ResourceName => $"Plotly.NET.plotly-{Version}.min.js";

    /// <summary>The bundle's JavaScript (read once from Plotly.NET's assembly, about 3.6 MB).</summary>
    /// <exception cref="InvalidOperationException">The Plotly.NET assembly holds no such resource (a different build of Plotly.NET).</exception>
    public static string Source
    {
        get
        {
            lock (Gate)
            {
                return _source ??= Read();
            }
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
    /// Forgets that plotly.js was sent to the notebook, so the next figure inlines it again (use it after clearing the
    /// output that carried it, or when a figure says "plotly.js is not loaded in this page").
    /// </summary>
    public static void ResetNotebook()
    {
        lock (Gate)
        {
            _inNotebook = false;
        }
    }

    private static string Read()
    {
        var assembly = typeof(GenericChart).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException(
                $"{assembly.GetName().Name} {assembly.GetName().Version} has no resource '{ResourceName}' " +
                $"(it has: {string.Join(", ", assembly.GetManifestResourceNames())}). The course expects Plotly.NET 6.0.0, which embeds plotly.js 2.28.0: restore the pinned packages.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
