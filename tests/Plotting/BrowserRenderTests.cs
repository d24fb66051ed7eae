using Diffusion.Hosting;
using Diffusion.Plotting;
using Plotly.NET;
using TorchSharp;
using Xunit.Abstractions;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Diffusion.Tests.Plotting;

/// <summary>
/// Opens exported figures in Debian's headless Chromium with no network, takes a screenshot and checks that the
/// plotly.js Plotly.NET embeds drew them. Chromium comes from environment/setup-dev.sh; without it the tests skip saying so (and fail under CI=true).
/// </summary>
[Collection(NotebookStateCollection.Name)]
public class BrowserRenderTests(ITestOutputHelper output)
{
    /// <summary>The local require.js of Debian's libjs-requirejs (what classic Jupyter and nbconvert's templates load).</summary>
    internal const string RequireJs = "/usr/share/javascript/requirejs/require.min.js";

    [SkippableFact]
    public void SavedPage_DrawsALineAndAHeatmapInSubplots()
    {
        RequireChromium();
        var line = CSharpChart.Line<double, double, string>([0.0, 1, 2, 3, 4], [0.0, 3, 1, 4, 2], LineColor: Color.fromString("rgb(0,200,0)"), LineWidth: 8.0);
        var heat = CSharpChart.Heatmap<double, double, double, string>([[0.0, 1], [1, 0]], ColorScale: StyleParam.Colorscale.Bluered, ShowScale: false);
        var grid = CSharpChart.Grid([line, heat], nRows: 1, nCols: 2).WithSize(760, 540);
        var dir = Directory.CreateTempSubdirectory("plot-browser-");
        try
        {
            var (shot, log) = Chromium.Screenshot(Figures.SaveHtml(grid, Path.Combine(dir.FullName, "subplots.html")));
            using (shot)
            {
                int green = Chromium.Count(shot, Chromium.Green), blue = Chromium.Count(shot, Chromium.Blue);
                output.WriteLine($"green line pixels {green}, pure-blue heatmap pixels {blue} of {shot.Width * shot.Height}");
                // An 8-px line across ~350 px draws thousands of green pixels; two blue cells of a ~350x400 heatmap tens of thousands.
                Assert.True(green > 1500, $"the line was not drawn ({green} green pixels)\n{log}");
                Assert.True(blue > 10_000, $"the heatmap was not drawn ({blue} blue pixels)\n{log}");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public void AnimatedImageGrid_PlaysToItsLastFrame()
    {
        RequireChromium();
        // Frames go from blue to red; the page jumps to the last frame after half a second.
        var page = ColourAnimation("frame", first: [0, 0, 1], last: [1, 0, 0]).ToHtmlPage().Replace("</body>",
            "<script>setTimeout(function () { Plotly.animate('dp-figure', ['last'], {frame: {duration: 0, redraw: true}, transition: {duration: 0}, mode: 'immediate'}); }, 500);</script></body>",
            StringComparison.Ordinal);
        var dir = Directory.CreateTempSubdirectory("plot-browser-");
        try
        {
            var html = Path.Combine(dir.FullName, "animation.html");
            File.WriteAllText(html, page);
            var (shot, log) = Chromium.Screenshot(html);
            using (shot)
            {
                int red = Chromium.Count(shot, Chromium.Red), blue = Chromium.Count(shot, Chromium.Blue);
                output.WriteLine($"after animating: red pixels {red}, blue pixels {blue}");
                // The last frame is a 16x16 red picture shown 8 times enlarged: 16384 pixels.
                Assert.True(red > 10_000, $"the last frame (red) is not shown ({red} red pixels)\n{log}");
                Assert.True(blue < red / 10, $"the first frame (blue) is still shown ({blue} blue pixels)");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public void NotebookOutputs_DrawWithRequireJsLoadedFirst()
    {
        RequireChromium();
        // The classic Notebook page loads require.js before any output; the first output inlines plotly.js, the second
        // only waits for window.Plotly.
        PlotlyBundle.ResetNotebook();
        try
        {
            var first = ChartHtml.MimeBundle(CSharpChart.Line<double, double, string>([0.0, 1, 2], [0.0, 2, 1], LineColor: Color.fromString("rgb(0,200,0)"), LineWidth: 8.0).WithSize(380, 300))["text/html"];
            var second = ChartHtml.MimeBundle(CSharpChart.Column<double, string, string>([2.0, 3], Keys: new[] { "a", "b" }, MarkerColor: Color.fromString("rgb(0,0,255)")).WithSize(380, 300))["text/html"];
            Assert.DoesNotContain(MimeOutputTests.BundleMarker, second);
            var require = File.Exists(RequireJs)
                ? "<script>" + File.ReadAllText(RequireJs) + "</script>\n<script>require.config({paths: {}});</script>\n"
                : "";
            output.WriteLine(require.Length > 0 ? "page has require.js (AMD define present)" : $"{RequireJs} is not installed (Debian package libjs-requirejs): checked without it");
            var page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + require + "</head><body style=\"margin:0\">" +
                "<div style=\"display:inline-block;width:390px;vertical-align:top\">" + first + "</div>" +
                "<div style=\"display:inline-block;width:390px;vertical-align:top\">" + second + "</div></body></html>";
            var dir = Directory.CreateTempSubdirectory("plot-browser-");
            try
            {
                var html = Path.Combine(dir.FullName, "notebook.html");
                File.WriteAllText(html, page);
                var (shot, log) = Chromium.Screenshot(html);
                using (shot)
                {
                    int green = Chromium.Count(shot, Chromium.Green, 0, 400), blue = Chromium.Count(shot, Chromium.Blue, 400, 800);
                    output.WriteLine($"first figure green pixels {green}, second figure blue pixels {blue}");
                    Assert.True(green > 1000, $"the first output (with plotly.js inlined) did not draw ({green} green pixels)\n{log}");
                    Assert.True(blue > 5000, $"the second output (reusing window.Plotly) did not draw ({blue} blue pixels)\n{log}");
                }
            }
            finally
            {
                dir.Delete(recursive: true);
            }
        }
        finally
        {
            PlotlyBundle.ResetNotebook();
        }
    }

    /// <summary>An animation of four 16x16 pictures of one colour each, from <paramref name="first"/> to <paramref name="last"/> (RGB in [0, 1]); the last frame is named "last".</summary>
    internal static AnimatedChart ColourAnimation(string prefix, float[] first, float[] last)
    {
        var frames = Enumerable.Range(0, 4).Select(i =>
        {
            float a = i / 3f;
            var colour = first.Zip(last, (f, l) => ((1 - a) * f) + (a * l)).ToArray();
            using var image = torch.tensor(colour, [1, 3, 1, 1]).expand(1, 3, 16, 16).contiguous();
            return (i == 3 ? "last" : $"{prefix}{i}", Figures.ImageGrid(image, padding: 0, range: (0, 1)));
        });
        return Figures.Animation(frames, frameDurationMs: 50);
    }

    /// <summary>Chromium is a developer's extra: without it the test skips with the fix (and fails under CI=true), never passes silently.</summary>
    private static void RequireChromium() =>
        Support.HostTool.Require(Chromium.Available, $"{Chromium.Path} is not installed: run environment/setup-dev.sh (it installs chromium)");
}
