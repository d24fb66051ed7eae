using System.Text.Json;
using Diffusion.Hosting;
using Diffusion.Plotting;
using Plotly.NET;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static Diffusion.Tests.Plotting.ChartJsonAssert;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Diffusion.Tests.Plotting;

public class FiguresTests
{
    [Fact]
    public void ImageGrid_DrawsThePngGridAsAnImageTraceOnHiddenAxes()
    {
        using var images = torch.zeros([3, 1, 28, 28]);
        var chart = Figures.ImageGrid(images, nrow: 3, range: (-1, 1), title: "digits");
        var trace = Trace(chart);
        Assert.Equal("image", trace.GetProperty("type").GetString());
        var source = trace.GetProperty("source").GetString()!;
        Assert.StartsWith("data:image/png;base64,", source);
        using var png = Image.Load<L8>(Convert.FromBase64String(source["data:image/png;base64,".Length..]));
        Assert.Equal((3 * 30 + 2, 32), (png.Width, png.Height));
        Assert.Equal(128, png[5, 5].PackedValue);                  // 0 in (-1, 1) is mid-grey
        var layout = Layout(chart);
        Assert.False(layout.GetProperty("xaxis").GetProperty("visible").GetBoolean());
        Assert.False(layout.GetProperty("yaxis").GetProperty("visible").GetBoolean());
        int scale = 760 / 92;                                      // whole pixels, about 760 px wide
        Assert.Equal(92 * scale + 20, layout.GetProperty("width").GetInt32());
        Assert.Equal("digits", layout.GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Curves_WritesNamedLinesWithColourDashMarkersAndLogAxes()
    {
        var chart = Figures.Curves(
            [
                new Curve("histogram", [1.0, 0.5, 0.1], X: [1.0, 10, 100], Color: "crimson"),
                new Curve("Gaussian fit", [0.9, 0.4, 0.2], X: [1.0, 10, 100], Dashed: true),
            ],
            xTitle: "t", yTitle: "KL (nats)", logX: true, logY: true, markers: true);
        var first = Trace(chart, 0);
        var second = Trace(chart, 1);
        Assert.Equal("scatter", first.GetProperty("type").GetString());
        Assert.Equal("lines+markers", first.GetProperty("mode").GetString());
        Assert.Equal("histogram", first.GetProperty("name").GetString());
        Assert.Equal(new[] { 1.0, 10, 100 }, Doubles(first.GetProperty("x")));
        Assert.Equal(new[] { 1.0, 0.5, 0.1 }, Doubles(first.GetProperty("y")));
        Assert.Equal("crimson", first.GetProperty("line").GetProperty("color").GetString());
        Assert.False(first.GetProperty("line").TryGetProperty("dash", out _));
        Assert.Equal("dash", second.GetProperty("line").GetProperty("dash").GetString());
        var layout = Layout(chart);
        Assert.Equal("log", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal("t", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("KL (nats)", layout.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Curves_WithoutXCountFromZeroAndRejectMismatchedOrMissingCurves()
    {
        var trace = Trace(Figures.Curves([new Curve("loss", [0.5, 0.25, 0.125])]));
        Assert.Equal(new[] { 0.0, 1, 2 }, Doubles(trace.GetProperty("x")));
        Assert.Equal("lines", trace.GetProperty("mode").GetString());
        Assert.Contains("curve 'bad'", Assert.Throws<ArgumentException>(() => Figures.Curves([new Curve("bad", [1.0, 2], X: [1.0])])).Message);
        Assert.Throws<ArgumentException>(() => Figures.Curves([]));
    }

    [Fact]
    public void LossCurve_DrawsTheLossAndItsTrailingMovingAverage()
    {
        var chart = Figures.LossCurve([4.0, 2, 0, 2], window: 2);
        Assert.Equal(new[] { 4.0, 2, 0, 2 }, Doubles(Trace(chart, 0).GetProperty("y")));
        Assert.Equal(new[] { 4.0, 3, 1, 1 }, Doubles(Trace(chart, 1).GetProperty("y")));
        Assert.Equal("moving average (2)", Trace(chart, 1).GetProperty("name").GetString());
        Assert.Equal("step", Layout(chart).GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Throws<ArgumentException>(() => Figures.LossCurve([]));
    }

    [Fact]
    public void Points_FromATensorWriteTheTwoColumnsWithMarkerSizeColourAndWebGL()
    {
        using var xy = torch.tensor(new float[] { 0.5f, -1, 2, 3 }, [2, 2]);
        var trace = Trace(Figures.Points(xy, name: "roll", size: 3, color: "lightgray", webGL: true));
        Assert.Equal("scattergl", trace.GetProperty("type").GetString());
        Assert.Equal("markers", trace.GetProperty("mode").GetString());
        Assert.Equal(new[] { 0.5, 2 }, Doubles(trace.GetProperty("x")));
        Assert.Equal(new[] { -1.0, 3 }, Doubles(trace.GetProperty("y")));
        Assert.Equal(3, trace.GetProperty("marker").GetProperty("size").GetInt32());
        Assert.Equal("lightgray", trace.GetProperty("marker").GetProperty("color").GetString());
        using var wrong = torch.zeros([4, 3]);
        Assert.Contains("[4, 3]", Assert.Throws<ArgumentException>(() => Figures.Points(wrong)).Message);
    }

    [Fact]
    public void ScoreField_DrawsEqualLengthArrowsWithGapsOverTheData()
    {
        using var points = torch.tensor(new float[] { 0, 0, 1, 1 }, [2, 2]);
        using var vectors = torch.tensor(new float[] { 3, 4, 0, -10 }, [2, 2]);
        using var data = torch.zeros([5, 2]);
        var chart = Figures.ScoreField(points, vectors, arrowLength: 0.5, data: data, name: "s(x, 0.1)");
        Assert.Equal("data", Trace(chart, 0).GetProperty("name").GetString());
        var arrows = Trace(chart, 1);
        var x = Doubles(arrows.GetProperty("x"));
        var y = Doubles(arrows.GetProperty("y"));
        Assert.Equal(14, x.Length);                    // per arrow: shaft, gap, barb-tip-barb, gap
        Assert.Equal(0.3, x[1], 1e-9);                 // (0, 0) + 0.5 (3, 4)/5
        Assert.Equal(0.4, y[1], 1e-9);
        Assert.True(double.IsNaN(x[2]) && double.IsNaN(y[2]));   // a gap between shaft and head
        Assert.Equal(x[1], x[4], 1e-12);               // the head meets at the tip
        Assert.Equal(y[1], y[4], 1e-12);
        foreach (int barb in new[] { 3, 5 })
        {
            // Each barb is 0.35 L long and 25° off the shaft, behind the tip.
            double bx = x[1] - x[barb], by = y[1] - y[barb];
            Assert.Equal(0.35 * 0.5, Math.Sqrt((bx * bx) + (by * by)), 1e-9);
            Assert.Equal(Math.Cos(25 * Math.PI / 180), ((bx * 0.6) + (by * 0.8)) / (0.35 * 0.5), 1e-9);
        }
        Assert.Equal(1.0, x[8], 1e-9);                 // (1, 1) + 0.5 (0, −1)
        Assert.Equal(0.5, y[8], 1e-9);
        Assert.Equal("x", Layout(chart).GetProperty("yaxis").GetProperty("scaleanchor").GetString());
        using var three = torch.zeros([3, 2]);
        Assert.Contains("same shape", Assert.Throws<ArgumentException>(() => Figures.ScoreField(points, three)).Message);
    }

    [Fact]
    public void ScoreField_OfAFunctionEvaluatesItOnAGridWithoutGradients()
    {
        bool? gradients = null;
        var chart = Figures.ScoreField(x => { gradients = torch.is_grad_enabled(); return -x; }, min: -1, max: 1, gridSize: 3, arrowLength: 0.1);
        Assert.False(gradients);
        var x = Doubles(Trace(chart).GetProperty("x"));
        var y = Doubles(Trace(chart).GetProperty("y"));
        Assert.Equal(63, x.Length);                     // 9 arrows of 7 entries
        Assert.Equal((-1.0, -1.0), (x[0], y[0]));       // the grid starts at (min, min)
        Assert.Equal(-1 + (0.1 / Math.Sqrt(2)), x[1], 1e-6);   // s = −x points to the origin
    }

    [Fact]
    public void Table_WritesColumnsOfInvariantNumbersAndText()
    {
        var chart = Figures.Table(["sampler", "steps", "FID"], [["DDPM", 1000, 25.6912], ["DDIM", 50, 31.4], ["floor", null, 6.7421]], numberFormat: "F2", title: "FID");
        var trace = Trace(chart);
        Assert.Equal("table", trace.GetProperty("type").GetString());
        var header = trace.GetProperty("header").GetProperty("values");
        Assert.Equal("FID", header[2][0].GetString());
        var columns = trace.GetProperty("cells").GetProperty("values");
        Assert.Equal(new[] { "DDPM", "DDIM", "floor" }, columns[0].EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(new[] { "1000", "50", "" }, columns[1].EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(new[] { "25.69", "31.40", "6.74" }, columns[2].EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(new[] { "left", "right", "right" }, trace.GetProperty("cells").GetProperty("align").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains("row 1 has 2 values", Assert.Throws<ArgumentException>(() => Figures.Table(["a", "b", "c"], [["x", 1, 2], ["y", 1]])).Message);
    }

    [Fact]
    public void ChartJson_EscapesScriptTextAndWritesNonFiniteNumbersAsGaps()
    {
        var chart = CSharpChart.Line<double, double, string>([0.0, 1, 2], [1.0, double.NaN, double.PositiveInfinity], Name: "</script><b>")
            .WithTitle("a & b");
        var json = ChartJson.Figure(chart);
        Assert.DoesNotContain("</script>", json);
        Assert.Contains("\\u003c/script\\u003e", json);
        var y = Trace(chart).GetProperty("y");
        Assert.Equal(JsonValueKind.String, y[1].ValueKind);     // "NaN": plotly.js leaves a gap
        Assert.True(double.IsNaN(Doubles(y)[1]));
        Assert.True(Figure(chart).TryGetProperty("config", out _));
        Assert.Equal(0, Figure(chart).GetProperty("frames").GetArrayLength());
    }

    [Fact]
    public void ChartStyle_SetsTitlesAndEqualAxesInEverySubplot()
    {
        var grid = CSharpChart.Grid(
            [CSharpChart.Point<double, double, string>([0.0], [1.0]), CSharpChart.Point<double, double, string>([2.0], [3.0])], nRows: 1, nCols: 2)
            .WithEqualAxes().WithTitle("two").WithAxisTitles(x: "x₁");
        var layout = Layout(grid);
        Assert.Equal("x", layout.GetProperty("yaxis").GetProperty("scaleanchor").GetString());
        Assert.Equal("x2", layout.GetProperty("yaxis2").GetProperty("scaleanchor").GetString());
        Assert.Equal(1, layout.GetProperty("yaxis2").GetProperty("scaleratio").GetInt32());
        Assert.Equal("two", layout.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("x₁", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
    }
}
