using Diffusion.Hosting;
using Diffusion.Plotting;
using Plotly.NET;
using SixLabors.ImageSharp;
using TorchSharp;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Diffusion.Tests.Plotting;

[Collection(NotebookStateCollection.Name)]
public class MimeOutputTests
{
    /// <summary>The header comment of the plotly.js bundle Plotly.NET 6.0.0 embeds.</summary>
    internal const string BundleMarker = "plotly.js v2.28.0";

    private static GenericChart Line(params double[] y) => CSharpChart.Line<double, double, string>(Enumerable.Range(0, y.Length).Select(i => (double)i), y);

    [Fact]
    public void PlotlyBundle_IsThePlotlyJsPlotlyNetEmbeds()
    {
        Assert.Equal("2.28.0", PlotlyBundle.Version);
        Assert.Equal("Plotly.NET.plotly-2.28.0.min.js", PlotlyBundle.ResourceName);
        Assert.Contains(BundleMarker, PlotlyBundle.Source[..500]);
        Assert.True(PlotlyBundle.Source.Length > 1_000_000);
    }

    [Fact]
    public void MimeBundle_InlinesPlotlyJsOnceThenOnlyPlots()
    {
        PlotlyBundle.ResetNotebook();
        try
        {
            var first = ChartHtml.MimeBundle(Line(1, 2).WithTitle("a"));
            var second = ChartHtml.MimeBundle(Line(3, 4));
            Assert.Equal("Chart \"a\": 1 trace (scatter), 600x600", first["text/plain"]);
            Assert.Contains("text/plain", second.Keys);
            Assert.Contains(BundleMarker, first["text/html"]);
            Assert.DoesNotContain(BundleMarker, second["text/html"]);
            Assert.True(second["text/html"].Length < 20_000);
            foreach (var html in new[] { first["text/html"], second["text/html"] })
            {
                Assert.Contains("Plotly.newPlot", html);
                Assert.Contains("setTimeout(draw", html);
                Assert.DoesNotContain("cdn", html[^Math.Min(html.Length, 20_000)..], StringComparison.OrdinalIgnoreCase);
            }
            Assert.False(first.ContainsKey("image/png"));

            // Each output draws into its own div.
            static string Id(string html) => html[(html.LastIndexOf("<div id=\"", StringComparison.Ordinal) + 9)..].Split('"')[0];
            Assert.NotEqual(Id(first["text/html"]), Id(second["text/html"]));

            PlotlyBundle.ResetNotebook();
            Assert.Contains(BundleMarker, ChartHtml.MimeBundle(Line(1))["text/html"]);
        }
        finally
        {
            PlotlyBundle.ResetNotebook();
        }
    }

    [Fact]
    public void Fragment_HidesRequireJsFromTheBundleAndEscapesScriptText()
    {
        var html = ChartHtml.Fragment(Line(1).WithTitle("</script><b>x</b>"), includePlotlyJs: true);
        Assert.Contains("(function (module, exports, define, require) {", html);
        Assert.Contains("window.define(\"plotly\"", html);
        // The title cannot end the script early: it is written as \u003c/script\u003e.
        Assert.Equal(2, NbconvertExportTests.CountOf(html, "</script>"));
        Assert.Contains("\\u003c/script\\u003e", html);
    }

    [Fact]
    public void MimeBundle_OfAnImageGridCarriesThePngForStaticViewers()
    {
        using var images = torch.ones([2, 3, 4, 4]);
        var bundle = ChartHtml.MimeBundle(Figures.ImageGrid(images, range: (0, 1)));
        using var png = Image.Load(Convert.FromBase64String(bundle["image/png"]));
        Assert.Equal((2 * 6 + 2, 8), (png.Width, png.Height));
        Assert.StartsWith("Chart: 1 trace (image)", bundle["text/plain"]);
    }

    [Fact]
    public void AnimatedChart_MimeBundleCarriesItsFrames()
    {
        var animation = Figures.Animation([("a", Line(0, 1)), ("b", Line(1, 0))]);
        var html = animation.ToMimeBundle()["text/html"];
        Assert.Contains("\"frames\":[{\"name\":\"a\"", html);
        // The controls take 120 px below the 600 px plot (AnimationControls.Height).
        Assert.Equal("Animation: 1 trace (scatter), 600x720, 2 frames", animation.ToMimeBundle()["text/plain"]);
    }

    [Fact]
    public void SaveHtml_WritesASelfContainedPageAtomically()
    {
        var dir = Directory.CreateTempSubdirectory("plot-page-");
        try
        {
            var full = Figures.SaveHtml(CSharpChart.Column<int, string, string>([1], Keys: new[] { "a" }).WithTitle("Bars & more"), Path.Combine(dir.FullName, "sub", "fig.html"));
            Assert.Equal(new[] { "fig.html" }, Directory.GetFiles(Path.GetDirectoryName(full)!).Select(Path.GetFileName));
            var html = File.ReadAllText(full);
            Assert.StartsWith("<!DOCTYPE html>", html);
            Assert.Contains("<title>Bars &amp; more</title>", html);
            Assert.Contains(BundleMarker, html);
            Assert.Contains("Plotly.newPlot", html);
            Assert.DoesNotContain("<script src=", html);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
