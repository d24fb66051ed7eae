using Diffusion.IO;
using Diffusion.Plotting;

namespace Diffusion.Tests.Plotting;

[Collection(NotebookStateCollection.Name)]
public class MimeOutputTests
{
    private const string BundleMarker = "plotly.js v3.1.2";

    [Fact]
    public void PlotlyJs_IsFoundAndIsThePinnedVersion()
    {
        Assert.EndsWith("plotly.min.js", PlotlyJs.Path);
        Assert.Equal("3.1.2", PlotlyJs.Version);
        Assert.True(PlotlyJs.Source.Length > 1_000_000);
    }

    [Fact]
    public void PlotlyJs_BadEnvironmentVariableGivesClearError()
    {
        var old = Environment.GetEnvironmentVariable(PlotlyJs.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, "/nonexistent/plotly.min.js");
            var e = Assert.Throws<FileNotFoundException>(PlotlyJs.Locate);
            Assert.Contains("environment/setup.sh", e.Message);
            Assert.Contains(PlotlyJs.EnvironmentVariable, e.Message);
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, PlotlyJs.Path);
            Assert.Equal(PlotlyJs.Path, PlotlyJs.Locate());
        }
        finally
        {
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, old);
        }
    }

    [Fact]
    public void MimeBundle_InlinesPlotlyJsOnceThenOnlyPlots()
    {
        PlotlyJs.ResetNotebook();
        var first = Chart.Line(new[] { 1.0, 2 }).WithTitle("a").ToMimeBundle();
        var second = Chart.Line(new[] { 3.0, 4 }).ToMimeBundle();
        Assert.Equal("Figure \"a\": 1 trace (scatter)", first["text/plain"]);
        Assert.Contains("text/plain", second.Keys);
        Assert.Contains(BundleMarker, first["text/html"]);
        Assert.DoesNotContain(BundleMarker, second["text/html"]);
        Assert.True(second["text/html"].Length < 10_000);
        foreach (var html in new[] { first["text/html"], second["text/html"] })
        {
            Assert.Contains("Plotly.newPlot", html);
            Assert.Contains("setTimeout(draw", html);
        }
        Assert.False(first.ContainsKey("image/png"));

        // each output draws into its own div
        string Id(string html) => html[(html.LastIndexOf("<div id=\"", StringComparison.Ordinal) + 9)..].Split('"')[0];
        Assert.NotEqual(Id(first["text/html"]), Id(second["text/html"]));

        PlotlyJs.ResetNotebook();
        Assert.Contains(BundleMarker, Chart.Line(new[] { 1.0 }).ToMimeBundle()["text/html"]);
    }

    [Fact]
    public void Html_HidesRequireJsFromTheBundleAndEscapesScriptText()
    {
        var html = Chart.Line(new[] { 1.0 }).WithTitle("</script><b>x</b>").ToHtml(includePlotlyJs: true);
        Assert.Contains("(function (module, exports, define, require) {", html);
        Assert.Contains("window.define(\"plotly\"", html);
        // the title cannot end the script early: System.Text.Json writes '<' as \u003C
        Assert.Equal(2, CountOf(html, "</script>"));
        Assert.Contains("\\u003C/script\\u003E", html);
    }

    [Fact]
    public void MimeBundle_OfHeatmapCarriesAPngPreviewColouredLikePlotly()
    {
        PlotlyJs.ResetNotebook();
        var z = new double[][] { [0, 1], [1, 1] };
        var bundle = Chart.Heatmap(z, colorscale: Colorscale.Viridis).ToMimeBundle();
        var png = Png.Decode(Convert.FromBase64String(bundle["image/png"]));
        Assert.Equal(png.Width, png.Height);
        Assert.True(png.Width >= 160);
        // row 0 is drawn at the bottom (plotly's default y direction): bottom-left is the minimum (#440154)
        Assert.Equal((0x44, 0x01, 0x54), Pixel(png, 0, png.Height - 1));
        Assert.Equal((0xfd, 0xe7, 0x25), Pixel(png, 0, 0));
        // asImage reverses y: row 0 at the top
        var flipped = Png.Decode(Convert.FromBase64String(Chart.Heatmap(z, asImage: true).ToMimeBundle()["image/png"]));
        Assert.Equal((0x44, 0x01, 0x54), Pixel(flipped, 0, 0));
    }

    [Fact]
    public void MimeBundle_OfImageGridPlacesEachImageInItsCell()
    {
        var red = new byte[2, 2, 3];
        var blue = new byte[2, 2, 3];
        for (int y = 0; y < 2; y++)
        {
            for (int x = 0; x < 2; x++)
            {
                red[y, x, 0] = 255;
                blue[y, x, 2] = 255;
            }
        }
        var grid = Chart.Grid([Chart.Image(red), Chart.Image(blue)], rows: 1, cols: 2);
        var png = Png.Decode(Convert.FromBase64String(grid.ToMimeBundle()["image/png"]));
        Assert.True(png.Width > 2 * png.Height);
        Assert.Equal((255, 0, 0), Pixel(png, 0, 0));
        Assert.Equal((0, 0, 255), Pixel(png, png.Width - 1, png.Height - 1));
    }

    [Fact]
    public void SaveHtml_WritesSelfContainedPage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plot-test-{Guid.NewGuid():N}", "fig.html");
        try
        {
            var full = Chart.Bar(new[] { "a" }, new[] { 1 }).WithTitle("Bars & more").SaveHtml(path);
            var html = File.ReadAllText(full);
            Assert.StartsWith("<!DOCTYPE html>", html);
            Assert.Contains("<title>Bars &amp; more</title>", html);
            Assert.Contains(BundleMarker, html);
            Assert.Contains("Plotly.newPlot", html);
            Assert.DoesNotContain("http://", html[..200]);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    private static (int, int, int) Pixel(PngImage img, int x, int y) => (img[x, y, 0], img[x, y, 1], img[x, y, 2]);

    private static int CountOf(string s, string what)
    {
        int n = 0;
        for (int i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }
}
