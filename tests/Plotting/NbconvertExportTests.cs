using System.Diagnostics;
using System.Text.Json.Nodes;
using Diffusion.IO;
using Diffusion.Plotting;
using Xunit.Abstractions;

namespace Diffusion.Tests.Plotting;

/// <summary>
/// Writes a notebook whose outputs are our MIME bundles (the first with plotly.js inlined, the second without),
/// exports it with <c>jupyter nbconvert --to html</c> and checks in headless Chromium that both figures draw.
/// Skips (with a message) when jupyter or chromium is missing.
/// </summary>
[Collection(NotebookStateCollection.Name)]
public class NbconvertExportTests(ITestOutputHelper output)
{
    [Fact]
    public void NbconvertHtmlExport_DrawsEveryFigure()
    {
        if (!HasNbconvert() || !File.Exists(BrowserRenderTests.Chromium))
        {
            output.WriteLine("SKIPPED: needs nbconvert for /usr/bin/python3 (python3-nbconvert) and /usr/bin/chromium; run environment/setup.sh");
            return;
        }
        PlotlyJs.ResetNotebook();
        var cells = new JsonArray(
            Cell(Chart.Line(new[] { 0.0, 2, 1 }, color: "rgb(0,200,0)", width: 8).WithSize(700, 300).ToMimeBundle()),
            Cell(Chart.Bar(new[] { "a", "b" }, new[] { 2.0, 3 }, color: "rgb(0,0,255)").WithSize(700, 300).ToMimeBundle()));
        PlotlyJs.ResetNotebook();
        var notebook = new JsonObject
        {
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject(),
            ["cells"] = cells,
        };
        var dir = Directory.CreateTempSubdirectory("plot-nbconvert-");
        try
        {
            var ipynb = Path.Combine(dir.FullName, "figures.ipynb");
            File.WriteAllText(ipynb, notebook.ToJsonString());
            var (code, log) = Run(Python, ["-m", "nbconvert", "--to", "html", "--output-dir", dir.FullName, ipynb], 120);
            var html = Path.Combine(dir.FullName, "figures.html");
            Assert.True(code == 0 && File.Exists(html), $"nbconvert failed ({code}):\n{log}");
            Assert.Equal(1, CountOf(File.ReadAllText(html), "plotly.js v3.1.2"));

            var shot = Path.Combine(dir.FullName, "shot.png");
            BrowserRenderTests.Screenshot(html, shot, Path.Combine(dir.FullName, "profile"), height: 1000);
            if (Environment.GetEnvironmentVariable("PLOT_SCREENSHOT_DIR") is { Length: > 0 } keep)
            {
                File.Copy(shot, Path.Combine(keep, "nbconvert-check.png"), overwrite: true);
            }
            var png = Png.Decode(File.ReadAllBytes(shot));
            int green = BrowserRenderTests.Count(png, 0, png.Width, (r, g, b) => g > 150 && r < 60 && b < 60);
            int blue = BrowserRenderTests.Count(png, 0, png.Width, (r, g, b) => b > 200 && r < 60 && g < 60);
            output.WriteLine($"nbconvert export: green line pixels {green}, blue bar pixels {blue}");
            Assert.True(green > 1000, $"the first figure did not draw in the export ({green} green pixels)");
            Assert.True(blue > 5000, $"the second figure did not draw in the export ({blue} blue pixels)");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private const string Python = "/usr/bin/python3";

    private static bool HasNbconvert() => File.Exists(Python) && Run(Python, ["-c", "import nbconvert"], 60).Code == 0;

    private static JsonObject Cell(IReadOnlyDictionary<string, string> bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in bundle)
        {
            data[mime] = value;
        }
        return new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = 1,
            ["metadata"] = new JsonObject(),
            ["source"] = "fig",
            ["outputs"] = new JsonArray(new JsonObject
            {
                ["output_type"] = "display_data",
                ["data"] = data,
                ["metadata"] = new JsonObject(),
            }),
        };
    }

    private static (int Code, string Log) Run(string file, string[] args, int timeoutSeconds)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var so = p.StandardOutput.ReadToEndAsync();
        var se = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {timeoutSeconds} s");
        }
        return (p.ExitCode, so.Result + se.Result);
    }

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
