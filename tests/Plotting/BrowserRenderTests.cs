using System.Diagnostics;
using Diffusion.IO;
using Diffusion.Plotting;
using Xunit.Abstractions;

namespace Diffusion.Tests.Plotting;

/// <summary>
/// Opens exported figures in Debian's headless Chromium, takes a screenshot and checks that plotly.js drew
/// them (offline, from the inlined bundle). Chromium comes from environment/setup.sh; without it the test
/// passes with a message saying it was skipped.
/// </summary>
[Collection(NotebookStateCollection.Name)]
public class BrowserRenderTests(ITestOutputHelper output)
{
    internal const string Chromium = "/usr/bin/chromium";

    [Fact]
    public void SavedHtml_RendersLineAndHeatmapInHeadlessChromium()
    {
        if (!File.Exists(Chromium))
        {
            output.WriteLine($"SKIPPED: {Chromium} is not installed (run environment/setup.sh to install chromium)");
            return;
        }
        var line = Chart.Line(new[] { 0.0, 1, 2, 3, 4 }, new[] { 0.0, 3, 1, 4, 2 }, color: "rgb(0,200,0)", width: 8).WithTitle("line");
        var heat = Chart.Heatmap(new double[][] { [0, 1], [1, 0] }, colorscale: Colorscale.Bluered, showScale: false).WithTitle("heat");
        var fig = Chart.Grid([line, heat], rows: 1, cols: 2).WithLegend(false).WithSize(760, 540);

        var dir = Directory.CreateTempSubdirectory("plot-browser-");
        try
        {
            var html = fig.SaveHtml(Path.Combine(dir.FullName, "figure.html"));
            var shot = Path.Combine(dir.FullName, "shot.png");
            var log = Screenshot(html, shot, Path.Combine(dir.FullName, "profile"));
            Assert.True(File.Exists(shot), "chromium wrote no screenshot:\n" + log);
            if (Environment.GetEnvironmentVariable("PLOT_SCREENSHOT_DIR") is { Length: > 0 } keep)
            {
                File.Copy(shot, Path.Combine(keep, "browser-check.png"), overwrite: true);
            }
            var png = Png.Decode(File.ReadAllBytes(shot));
            Assert.Equal((800, 600), (png.Width, png.Height));

            int green = 0, blue = 0, nonWhite = 0;
            for (int y = 0; y < png.Height; y++)
            {
                for (int x = 0; x < png.Width; x++)
                {
                    int r = png[x, y, 0], g = png[x, y, 1], b = png[x, y, 2];
                    if (g > 150 && r < 60 && b < 60)
                    {
                        green++;
                    }
                    if (b > 200 && r < 60 && g < 60)
                    {
                        blue++;
                    }
                    if (r < 240 || g < 240 || b < 240)
                    {
                        nonWhite++;
                    }
                }
            }
            output.WriteLine($"green line pixels {green}, pure-blue heatmap pixels {blue}, non-white {nonWhite} of {png.Width * png.Height}");
            // An 8-px line across ~350 px draws thousands of green pixels; two blue cells of a ~350x400 heatmap tens of thousands.
            Assert.True(green > 1500, $"the green line was not drawn ({green} green pixels)\n{log}");
            Assert.True(blue > 10_000, $"the heatmap was not drawn ({blue} blue pixels)\n{log}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void AnimatedFigure_PlaysToItsLastFrameInHeadlessChromium()
    {
        if (!File.Exists(Chromium))
        {
            output.WriteLine($"SKIPPED: {Chromium} is not installed (run environment/setup.sh to install chromium)");
            return;
        }
        // Frame values 0 (blue) … 1 (red) on a fixed colour range; the page animates to the last frame.
        HeatmapTrace Cells(double v) => new([[v, v], [v, v]]) { Colorscale = Colorscale.Bluered, ZMin = 0, ZMax = 1, ShowScale = false };
        var frames = Enumerable.Range(0, 5).Select(i => new Frame(i == 4 ? "last" : $"f{i}", Cells(i / 4.0)));
        var fig = new Figure(Cells(0)).WithFrames(frames, frameDurationMs: 50).WithSize(760, 560);
        var page = fig.ToHtmlPage().Replace("</body>",
            "<script>setTimeout(function () { Plotly.animate('dt-plot', ['last'], {frame: {duration: 0, redraw: true}, transition: {duration: 0}, mode: 'immediate'}); }, 500);</script></body>",
            StringComparison.Ordinal);
        var dir = Directory.CreateTempSubdirectory("plot-browser-");
        try
        {
            var html = Path.Combine(dir.FullName, "animated.html");
            File.WriteAllText(html, page);
            var shot = Path.Combine(dir.FullName, "shot.png");
            var log = Screenshot(html, shot, Path.Combine(dir.FullName, "profile"));
            Assert.True(File.Exists(shot), "chromium wrote no screenshot:\n" + log);
            if (Environment.GetEnvironmentVariable("PLOT_SCREENSHOT_DIR") is { Length: > 0 } keep)
            {
                File.Copy(shot, Path.Combine(keep, "animation-check.png"), overwrite: true);
            }
            var png = Png.Decode(File.ReadAllBytes(shot));
            int red = Count(png, 0, png.Width, (r, g, b) => r > 200 && g < 60 && b < 60);
            int blue = Count(png, 0, png.Width, (r, g, b) => b > 200 && r < 60 && g < 60);
            output.WriteLine($"after animating: red pixels {red}, blue pixels {blue}");
            Assert.True(red > 20_000, $"the last frame (red) is not shown ({red} red pixels)\n{log}");
            Assert.True(blue < red / 10, $"the first frame (blue) is still shown ({blue} blue pixels)");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void NotebookOutputs_RenderWithRequireJsPresent()
    {
        if (!File.Exists(Chromium))
        {
            output.WriteLine($"SKIPPED: {Chromium} is not installed (run environment/setup.sh to install chromium)");
            return;
        }
        const string requireJs = "/usr/share/javascript/requirejs/require.min.js";
        // The classic Notebook page loads require.js before any output; the first output inlines plotly.js,
        // the second only waits for window.Plotly.
        PlotlyJs.ResetNotebook();
        var first = Chart.Line(new[] { 0.0, 2, 1 }, color: "rgb(0,200,0)", width: 8).WithSize(380, 300).ToMimeBundle()["text/html"];
        var second = Chart.Bar(new[] { "a", "b" }, new[] { 2.0, 3 }, color: "rgb(0,0,255)").WithSize(380, 300).ToMimeBundle()["text/html"];
        Assert.DoesNotContain("plotly.js v", second);
        var require = File.Exists(requireJs)
            ? "<script>" + File.ReadAllText(requireJs) + "</script>\n<script>require.config({paths: {}});</script>\n"
            : "";
        output.WriteLine(require.Length > 0 ? "page has require.js (AMD define present)" : "require.js not installed: checked without it");
        var page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + require + "</head><body style=\"margin:0\">" +
            "<div style=\"display:inline-block;width:390px;vertical-align:top\">" + first + "</div>" +
            "<div style=\"display:inline-block;width:390px;vertical-align:top\">" + second + "</div></body></html>";

        var dir = Directory.CreateTempSubdirectory("plot-browser-");
        try
        {
            var html = Path.Combine(dir.FullName, "notebook.html");
            File.WriteAllText(html, page);
            var shot = Path.Combine(dir.FullName, "shot.png");
            var log = Screenshot(html, shot, Path.Combine(dir.FullName, "profile"));
            Assert.True(File.Exists(shot), "chromium wrote no screenshot:\n" + log);
            var png = Png.Decode(File.ReadAllBytes(shot));
            int greenLeft = Count(png, 0, 400, (r, g, b) => g > 150 && r < 60 && b < 60);
            int blueRight = Count(png, 400, 800, (r, g, b) => b > 200 && r < 60 && g < 60);
            output.WriteLine($"first figure green pixels {greenLeft}, second figure blue pixels {blueRight}");
            Assert.True(greenLeft > 1000, $"the first output (with plotly.js inlined) did not draw ({greenLeft} green pixels)\n{log}");
            Assert.True(blueRight > 5000, $"the second output (reusing window.Plotly) did not draw ({blueRight} blue pixels)\n{log}");
        }
        finally
        {
            dir.Delete(recursive: true);
            PlotlyJs.ResetNotebook();
        }
    }

    internal static int Count(PngImage png, int fromX, int toX, Func<int, int, int, bool> match)
    {
        int n = 0;
        for (int y = 0; y < png.Height; y++)
        {
            for (int x = fromX; x < Math.Min(toX, png.Width); x++)
            {
                if (match(png[x, y, 0], png[x, y, 1], png[x, y, 2]))
                {
                    n++;
                }
            }
        }
        return n;
    }

    internal static string Screenshot(string html, string png, string profile, int height = 600)
    {
        var psi = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", "--virtual-time-budget=10000",
            $"--user-data-dir={profile}", $"--window-size=800,{height}", $"--screenshot={png}", "file://" + html,
        })
        {
            psi.ArgumentList.Add(arg);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("headless chromium did not finish within 120 s");
        }
        return stdout.Result + stderr.Result;
    }
}
