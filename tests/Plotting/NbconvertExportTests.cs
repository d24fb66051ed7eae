using System.Diagnostics;
using System.Text.Json.Nodes;
using Diffusion.Hosting;
using Diffusion.Plotting;
using Plotly.NET;
using TorchSharp;
using Xunit.Abstractions;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Diffusion.Tests.Plotting;

/// <summary>
/// Writes a notebook whose outputs are the MIME bundles the kernel gets from <see cref="NotebookFormatters"/> (a line,
/// a bar chart, an image grid and an animation; plotly.js inlined in the first only), exports it with
/// <c>jupyter nbconvert --to html</c> and checks in headless Chromium, with no network, that every figure draws: once
/// with the template's default require.js (Debian's nbconvert loads its local copy, so require.js is really on the
/// page, as in classic Jupyter), once with upstream nbconvert's default CDN address, which cannot load offline. Skips
/// (with a message) when nbconvert or Chromium is missing.
/// </summary>
[Collection(NotebookStateCollection.Name)]
public class NbconvertExportTests(ITestOutputHelper output)
{
    private const string Python = "/usr/bin/python3";

    /// <summary>Upstream nbconvert's default require.js address (Debian's package points at the local copy instead).</summary>
    private const string CdnRequireJs = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js";

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void HtmlExport_DrawsEveryFigure(bool cdnRequireJs)
    {
        Support.HostTool.Require(Chromium.Available && HasNbconvert(), $"needs nbconvert for {Python} (python3-nbconvert) and {Chromium.Path}: run environment/setup-dev.sh");
        PlotlyBundle.ResetNotebook();
        JsonArray cells;
        try
        {
            using var red = torch.tensor(new float[] { 1, 0, 0 }, [1, 3, 1, 1]).expand(4, 3, 16, 16).contiguous();
            cells = new JsonArray(
                Cell(CSharpChart.Line<double, double, string>([0.0, 2, 1], [0.0, 1, 0.5], LineColor: Color.fromString("rgb(0,200,0)"), LineWidth: 8.0).WithSize(700, 300)),
                Cell(CSharpChart.Column<double, string, string>([2.0, 3], Keys: new[] { "a", "b" }, MarkerColor: Color.fromString("rgb(0,0,255)")).WithSize(700, 300)),
                Cell(Figures.ImageGrid(red, nrow: 4, padding: 0, range: (0, 1))),
                Cell(BrowserRenderTests.ColourAnimation("m", first: [1, 0, 1], last: [0, 0, 0])));
        }
        finally
        {
            PlotlyBundle.ResetNotebook();
        }
        var notebook = new JsonObject { ["nbformat"] = 4, ["nbformat_minor"] = 5, ["metadata"] = new JsonObject(), ["cells"] = cells };
        var dir = Directory.CreateTempSubdirectory("plot-nbconvert-");
        try
        {
            var ipynb = Path.Combine(dir.FullName, "figures.ipynb");
            File.WriteAllText(ipynb, notebook.ToJsonString());
            var args = new List<string> { "-m", "nbconvert", "--to", "html", "--output-dir", dir.FullName, ipynb };
            if (cdnRequireJs)
            {
                args.Insert(2, "--HTMLExporter.require_js_url=" + CdnRequireJs);
            }
            var (code, log) = Run(Python, args, 120);
            var html = Path.Combine(dir.FullName, "figures.html");
            Assert.True(code == 0 && File.Exists(html), $"nbconvert failed ({code}):\n{log}");
            var text = File.ReadAllText(html);
            Assert.Equal(CountOf(PlotlyBundle.Source, MimeOutputTests.BundleMarker), CountOf(text, MimeOutputTests.BundleMarker));   // inlined once
            Assert.Contains(cdnRequireJs ? CdnRequireJs : "require.min.js\"></script>", text);

            var (shot, chromiumLog) = Chromium.Screenshot(html, height: 2200);
            using (shot)
            {
                int green = Chromium.Count(shot, Chromium.Green), blue = Chromium.Count(shot, Chromium.Blue);
                int red = Chromium.Count(shot, Chromium.Red), magenta = Chromium.Count(shot, Chromium.Magenta);
                output.WriteLine($"nbconvert export (require.js {(cdnRequireJs ? "from the CDN, unreachable" : "as the template has it")}): green line {green}, blue bars {blue}, red image grid {red}, magenta animation {magenta} pixels");
                Assert.True(green > 1000, $"the line did not draw in the export ({green} green pixels)\n{chromiumLog}");
                Assert.True(blue > 5000, $"the bar chart did not draw in the export ({blue} blue pixels)");
                Assert.True(red > 5000, $"the image grid did not draw in the export ({red} red pixels)");
                Assert.True(magenta > 5000, $"the animation's first picture did not draw in the export ({magenta} magenta pixels)");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static bool HasNbconvert() => File.Exists(Python) && Run(Python, ["-c", "import nbconvert"], 60).Code == 0;

    private static JsonObject Cell(object value)
    {
        var bundle = NotebookFormatters.TryFormat(value) ?? throw new InvalidOperationException($"no formatter for {value}");
        var data = new JsonObject();
        foreach (var (mime, text) in bundle)
        {
            data[mime] = text;
        }
        return new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = 1,
            ["metadata"] = new JsonObject(),
            ["source"] = "figure",
            ["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "display_data", ["data"] = data, ["metadata"] = new JsonObject() }),
        };
    }

    private static (int Code, string Log) Run(string file, IEnumerable<string> args, int timeoutSeconds)
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

    internal static int CountOf(string s, string what)
    {
        int n = 0;
        for (int i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }
}
