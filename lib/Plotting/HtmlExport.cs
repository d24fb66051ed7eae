using System.Globalization;
using System.Net;
using System.Text;
using Diffusion.Hosting;

namespace Diffusion.Plotting;

public sealed partial class Figure
{
    /// <summary>
    /// An HTML fragment that draws this figure: a <c>div</c> with a unique id and a script calling
    /// <c>Plotly.newPlot</c> (it waits for <c>window.Plotly</c> if the bundle is still loading).
    /// With <paramref name="includePlotlyJs"/> the plotly.js bundle is inlined before it.
    /// </summary>
    public string ToHtml(bool includePlotlyJs = true)
    {
        var sb = new StringBuilder();
        if (includePlotlyJs)
        {
            sb.Append(PlotlyScript.Inline());
        }
        sb.Append(PlotlyScript.Plot(this, "dt-plot-" + Guid.NewGuid().ToString("N")));
        return sb.ToString();
    }

    /// <summary>A self-contained HTML page (plotly.js inlined, no network needed).</summary>
    public string ToHtmlPage()
    {
        var title = WebUtility.HtmlEncode(Layout.Title ?? "Figure");
        return "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>" + title + "</title>\n" +
            PlotlyScript.Inline() + "</head>\n<body style=\"margin:0;padding:8px;background:#fff\">\n" +
            PlotlyScript.Plot(this, "dt-plot") + "</body>\n</html>\n";
    }

    /// <summary>Writes <see cref="ToHtmlPage"/> to <paramref name="path"/> (UTF-8); returns the full path.</summary>
    public string SaveHtml(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        File.WriteAllText(full, ToHtmlPage(), new UTF8Encoding(false));
        return full;
    }

    /// <summary>
    /// The notebook rendering: <c>text/plain</c> (a summary), <c>text/html</c> (plotly.js inlined in the first
    /// figure of the notebook, later figures reuse it) and, for heatmaps and images, <c>image/png</c> for static viewers.
    /// </summary>
    public IReadOnlyDictionary<string, string> ToMimeBundle()
    {
        var bundle = new Dictionary<string, string>
        {
            ["text/plain"] = ToString(),
        };
        if (FigureImage.Render(this) is byte[] png)
        {
            bundle["image/png"] = Convert.ToBase64String(png);
        }
        // Read the bundle before claiming the injection so a missing plotly.js throws without losing the claim.
        _ = PlotlyJs.Source;
        bundle["text/html"] = ToHtml(includePlotlyJs: PlotlyJs.ClaimNotebookInjection());
        return bundle;
    }

    /// <summary>Shows the figure: in a notebook as an output; elsewhere saves an HTML page to a temporary file and prints its path.</summary>
    public void Show()
    {
        if (NotebookHost.Display is { } display)
        {
            display(this);
            return;
        }
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "figure-" + DateTime.Now.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture) + ".html");
        Console.WriteLine($"{this} saved to {SaveHtml(path)}");
    }
}

/// <summary>The JavaScript pieces of the HTML output.</summary>
internal static class PlotlyScript
{
    /// <summary>
    /// The plotly.js bundle in a script tag. It runs inside a function whose <c>module</c>, <c>exports</c>,
    /// <c>define</c> and <c>require</c> are undefined, so that require.js (classic Notebook) or a CommonJS shim cannot
    /// capture it: it always sets <c>window.Plotly</c>. With require.js present it is also registered as module "plotly".
    /// </summary>
    internal static string Inline() =>
        "<script type=\"text/javascript\">\n(function (module, exports, define, require) {\n" +
        PlotlyJs.Source +
        "\n}).call(window);\n" +
        "if (typeof window.define === \"function\" && window.define.amd && window.Plotly) {\n" +
        "  try { if (!(window.require && window.require.defined && window.require.defined(\"plotly\"))) { window.define(\"plotly\", [], function () { return window.Plotly; }); } } catch (e) { }\n" +
        "}\n</script>\n";

    /// <summary>A div and the script that draws <paramref name="figure"/> into it (polling up to 30 s for plotly.js).</summary>
    internal static string Plot(Figure figure, string divId)
    {
        var json = figure.ToJsonNode();
        json["config"] = figure.Config.DeepClone();
        // System.Text.Json escapes <, >, & and quotes by default, so the JSON cannot close the script tag.
        var data = PlotJson.Write(json);
        var width = figure.Layout.Width is int w ? w.ToString(CultureInfo.InvariantCulture) + "px" : "100%";
        var height = (figure.Layout.Height ?? 450).ToString(CultureInfo.InvariantCulture) + "px";
        return
            $"<div id=\"{divId}\" class=\"plotly-graph-div\" style=\"width:{width};height:{height};\"></div>\n" +
            "<script type=\"text/javascript\">\n(function () {\n" +
            $"  var id = \"{divId}\", figure = {data}, tries = 0;\n" +
            "  function draw() {\n" +
            "    var el = document.getElementById(id);\n" +
            "    if (el && window.Plotly && window.Plotly.newPlot) { window.Plotly.newPlot(el, figure); return; }\n" +
            "    if (++tries > 600) {\n" +
            "      if (el) { el.style.height = \"auto\"; el.textContent = \"plotly.js is not loaded in this page. Run Diffusion.Plotting.PlotlyJs.ResetNotebook() and display the figure again.\"; }\n" +
            "      return;\n" +
            "    }\n" +
            "    setTimeout(draw, 50);\n" +
            "  }\n" +
            "  draw();\n" +
            "})();\n</script>\n";
    }
}
