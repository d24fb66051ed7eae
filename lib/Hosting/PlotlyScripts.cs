using System.Globalization;

namespace Diffusion.Hosting;

/// <summary>The two script elements of an offline figure: the plotly.js bundle (once per page) and the call that draws one figure.</summary>
internal static class PlotlyScripts
{
    /// <summary>How long a figure waits for <c>window.Plotly</c> before it says plotly.js is missing: 600 tries of 50 ms.</summary>
    private const int MaxTries = 600;

    /// <summary>
    /// The plotly.js bundle in a script element. It runs inside a function whose <c>module</c>, <c>exports</c>,
    /// <c>define</c> and <c>require</c> are undefined, so require.js (loaded by classic Jupyter and nbconvert's HTML
    /// export) or a CommonJS shim cannot capture it as a module: it always sets <c>window.Plotly</c>. When require.js is
    /// present the bundle is also registered as the AMD module "plotly" for code that asks for it that way.
    /// </summary>
    internal static string Bundle() =>
        "<script type=\"text/javascript\">\n(function (module, exports, define, require) {\n" +
        PlotlyBundle.Source +
        "\n}).call(window);\n" +
        "if (typeof window.define === \"function\" && window.define.amd && window.Plotly) {\n" +
        "  try { if (!(window.require && window.require.defined && window.require.defined(\"plotly\"))) { window.define(\"plotly\", [], function () { return window.Plotly; }); } } catch (e) { }\n" +
        "}\n</script>\n";

    /// <summary>
    /// A div and the script that draws <paramref name="figureJson"/> (see <see cref="ChartJson.Figure"/>) into it,
    /// waiting for <c>window.Plotly</c> if the bundle is still loading (up to 30 s, then it says so in the div).
    /// </summary>
    internal static string Plot(string figureJson, string divId, int? width, int? height)
    {
        var w = width is int px ? px.ToString(CultureInfo.InvariantCulture) + "px" : "100%";
        var h = (height ?? 450).ToString(CultureInfo.InvariantCulture) + "px";
        return
            $"<div id=\"{divId}\" class=\"plotly-graph-div\" style=\"width:{w};height:{h};\"></div>\n" +
            "<script type=\"text/javascript\">\n(function () {\n" +
            $"  var id = \"{divId}\", figure = {figureJson}, tries = 0;\n" +
            "  function draw() {\n" +
            "    var el = document.getElementById(id);\n" +
            "    if (el && window.Plotly && window.Plotly.newPlot) { window.Plotly.newPlot(el, figure); return; }\n" +
            $"    if (++tries > {MaxTries}) {{\n" +
            "      if (el) { el.style.height = \"auto\"; el.textContent = \"plotly.js is not loaded in this page. Run Diffusion.Hosting.PlotlyBundle.ResetNotebook() and display the figure again.\"; }\n" +
            "      return;\n" +
            "    }\n" +
            "    setTimeout(draw, 50);\n" +
            "  }\n" +
            "  draw();\n" +
            "})();\n</script>\n";
    }
}
