using System.Net;
using Diffusion.IO;
using Plotly.NET;

namespace Diffusion.Hosting;

/// <summary>
/// Offline HTML for Plotly.NET charts: fragments for notebook outputs (plotly.js inlined in the first one only) and
/// self-contained pages. Plotly.NET's own <c>Show</c>/<c>SaveHtml</c> reference a CDN by default, which is unreachable
/// offline; these inline the plotly.js that Plotly.NET embeds (<see cref="PlotlyBundle"/>).
/// </summary>
public static class ChartHtml
{
    /// <summary>
    /// An HTML fragment that draws <paramref name="chart"/>: a div with a unique id and the script that draws into it.
    /// With <paramref name="includePlotlyJs"/> the plotly.js bundle is inlined before it.
    /// </summary>
    public static string Fragment(GenericChart chart, bool includePlotlyJs = true) =>
        Fragment(ChartJson.Figure(chart), ChartSummary.Of(chart), includePlotlyJs);

    /// <summary>A self-contained HTML page that draws <paramref name="chart"/> with no network.</summary>
    public static string Page(GenericChart chart) => Page(ChartJson.Figure(chart), ChartSummary.Of(chart));

    /// <summary>Writes <see cref="Page(GenericChart)"/> to <paramref name="path"/> atomically (UTF-8); returns the full path.</summary>
    public static string Save(GenericChart chart, string path) => Save(Page(chart), path);

    /// <summary>
    /// The notebook rendering of <paramref name="chart"/>: <c>text/plain</c> (a summary) and <c>text/html</c> (plotly.js
    /// inlined in the first figure of the notebook, later figures reuse it). A chart whose first trace is an image
    /// drawn from a PNG (<c>Figures.ImageGrid</c> of Diffusion.Plotting) also carries that PNG as <c>image/png</c>, for viewers that run no
    /// JavaScript.
    /// </summary>
    public static IReadOnlyDictionary<string, string> MimeBundle(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var bundle = MimeBundleFor(ChartJson.Figure(chart), ChartSummary.Of(chart));
        if (PngSource(chart) is string png)
        {
            bundle["image/png"] = png;
        }
        return bundle;
    }

    /// <summary>The fragment for a figure's JSON (see <see cref="ChartJson.Figure"/>).</summary>
    internal static string Fragment(string figureJson, ChartSummary summary, bool includePlotlyJs) =>
        (includePlotlyJs ? PlotlyScripts.Bundle() : "") +
        PlotlyScripts.Plot(figureJson, "dp-" + Guid.NewGuid().ToString("N"), summary.Width, summary.Height);

    /// <summary>The page for a figure's JSON.</summary>
    internal static string Page(string figureJson, ChartSummary summary) =>
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>" + WebUtility.HtmlEncode(summary.Title ?? "Figure") + "</title>\n" +
        PlotlyScripts.Bundle() + "</head>\n<body style=\"margin:0;padding:8px;background:#fff\">\n" +
        PlotlyScripts.Plot(figureJson, "dp-figure", summary.Width, summary.Height) + "</body>\n</html>\n";

    /// <summary>Writes a page atomically; returns the full path.</summary>
    internal static string Save(string page, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
        }
        AtomicFile.WriteAllText(full, page);
        return full;
    }

    /// <summary>The notebook bundle for a figure's JSON, claiming the one inlined plotly.js of this notebook if it is still free.</summary>
    internal static Dictionary<string, string> MimeBundleFor(string figureJson, ChartSummary summary)
    {
        // Read the bundle before claiming the injection, so that a failure to read it does not lose the claim.
        _ = PlotlyBundle.Source;
        return new Dictionary<string, string>
        {
            ["text/plain"] = summary.ToString(),
            ["text/html"] = Fragment(figureJson, summary, PlotlyBundle.ClaimNotebookInjection()),
        };
    }

    /// <summary>The base64 PNG of the chart's first trace when it is an image drawn from a PNG data URI, else null.</summary>
    private static string? PngSource(GenericChart chart)
    {
        const string prefix = "data:image/png;base64,";
        var first = GenericChart.getTraces(chart).FirstOrDefault();
        return first is { type: "image" } && first.TryGetPropertyValue("source") is { Value: string source } && source.StartsWith(prefix, StringComparison.Ordinal)
            ? source[prefix.Length..]
            : null;
    }
}
