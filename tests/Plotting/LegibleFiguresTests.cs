using Diffusion.Plotting;
using SixLabors.ImageSharp;
using TorchSharp;
using static Diffusion.Tests.Plotting.ChartJsonAssert;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Diffusion.Tests.Plotting;

/// <summary>What makes figures legible on a projector: full tick labels on log axes, labelled image grids at 2× or more, panels on one scale.</summary>
public class LegibleFiguresTests
{
    [Fact]
    public void LogTicks_LabelEveryTickInFull_NeverASingleMinorDigit()
    {
        // 15 … 541: plotly's own axis labels 541 as "5"; here 20, 50, 100, 200, 500.
        var (values, labels) = LogTicks.For(15, 541);
        Assert.Equal(new[] { 20.0, 50, 100, 200, 500 }, values);
        Assert.Equal(new[] { "20", "50", "100", "200", "500" }, labels);
        // Over several decades, only powers of ten.
        Assert.Equal(new[] { "0.001", "0.01", "0.1", "1", "10" }, LogTicks.For(1e-3, 10).Labels);
        Assert.Equal("1e-05", LogTicks.Label(1e-5));
        Assert.Equal("1e+06", LogTicks.Label(1e6));
        // Less than half a decade still gets at least two labelled ticks.
        Assert.True(LogTicks.For(6.7, 9.1).Values.Length >= 2);
        Assert.Throws<ArgumentException>(() => LogTicks.For(0, 1));
        Assert.Throws<ArgumentException>(() => LogTicks.For(2, 1));
    }

    [Fact]
    public void WithLogAxis_SetsLogTypeAndArrayTicksFromTheData_AndKeepsTheTitle()
    {
        var chart = Figures.Curves([new Curve("FID", [541.0, 30, 15], X: [0.0, 1000, 2000])], xTitle: "steps", yTitle: "FID", logY: true);
        var y = Layout(chart).GetProperty("yaxis");
        Assert.Equal("log", y.GetProperty("type").GetString());
        Assert.Equal("array", y.GetProperty("tickmode").GetString());
        Assert.Equal(new[] { "20", "50", "100", "200", "500" }, y.GetProperty("ticktext").EnumerateArray().Select(e => e.GetString()).ToArray());
        Assert.Equal("FID", y.GetProperty("title").GetProperty("text").GetString());
        Assert.Throws<ArgumentException>(() => CSharpChart.Line<double, double, string>(new[] { 1.0 }, new[] { -1.0 }).WithLogAxis("y"));
        Assert.Throws<ArgumentException>(() => chart.WithLogAxis("z"));
    }

    [Fact]
    public void WithTitle_MakesRoomAboveAnImageGrid()
    {
        using var image = torch.zeros([1, 1, 28, 28]);
        var plain = Figures.ImageGrid(image, padding: 0);
        int height = Layout(plain).GetProperty("height").GetInt32();
        var layout = Layout(plain.WithTitle("The forward chain"));
        Assert.Equal(50, layout.GetProperty("margin").GetProperty("t").GetInt32());
        Assert.Equal(height + 40, layout.GetProperty("height").GetInt32());   // the picture keeps its size
    }

    [Fact]
    public void Pictures_AreShownAtTwiceTheirSizeAtLeast()
    {
        Assert.Equal(2, Figures.DisplayScale(482, 62));     // 16 digits in a row
        Assert.Equal(3, Figures.DisplayScale(242, 32));     // 8 digits in a row: was 1x
        Assert.Equal(8, Figures.DisplayScale(30, 30));      // one digit
        Assert.Equal(2, Figures.DisplayScale(2000, 30));    // never below 2x
    }

    [Fact]
    public void RowsGrid_LabelsEveryRow_FillsShortRows_AndRefusesMismatchedImages()
    {
        using var a = torch.zeros([3, 1, 4, 6]);
        using var b = torch.ones([2, 1, 4, 6]);
        var picture = Images.RowsGrid([("x₀", a), ("restored <R>", b)], columnLabels: ["s = 1", "s = 2", "s = 3"], title: "rows");
        using var png = Image.Load(picture.Png);
        Assert.Equal((3 * 8 + 2, 2 * 6 + 2), (png.Width, png.Height));
        var html = picture.ToMimeBundle()["text/html"];
        Assert.Contains(">x₀</div>", html);
        Assert.Contains(">restored &lt;R&gt;</div>", html);   // labels are escaped
        Assert.Contains(">s = 3</div>", html);
        Assert.Contains($"width=\"{png.Width * picture.DisplayScale}\"", html);
        Assert.Contains("rows: x₀ | restored <R>", picture.Description);
        using var other = torch.zeros([2, 1, 5, 6]);
        Assert.Contains("same [C, H, W]", Assert.Throws<ArgumentException>(() => Images.RowsGrid([("a", a), ("b", other)])).Message);
        Assert.Throws<ArgumentException>(() => Images.Grid(a, nrow: 3, rowLabels: ["one", "two"]));
        Assert.Throws<ArgumentException>(() => Images.Grid(a, nrow: 3, columnLabels: ["one"]));
    }

    [Fact]
    public void PointPanels_ShareOneEqualScaleAndHaveNoLegend()
    {
        using var p = torch.zeros([5, 2]);
        using var q = torch.ones([5, 2]) * 3;
        var layout = Layout(Figures.PointPanels([("true", p), ("sampled", q)], limit: 1.5));
        Assert.False(layout.GetProperty("showlegend").GetBoolean());
        foreach (var axis in new[] { "xaxis", "yaxis", "xaxis2", "yaxis2" })
        {
            Assert.Equal(new[] { -1.5, 1.5 }, Doubles(layout.GetProperty(axis).GetProperty("range")));
        }
        Assert.Equal("x2", layout.GetProperty("yaxis2").GetProperty("scaleanchor").GetString());
    }

    [Fact]
    public void Trajectory_OfInterleavedArrays_MatchesTheTensorVersion()
    {
        float[] first = [0, 0, 1, 1], second = [0.5f, 0.5f, -1, 2];
        using var t1 = torch.tensor(first, [2, 2]);
        using var t2 = torch.tensor(second, [2, 2]);
        var fromArrays = Figures.Trajectory([first, second], limit: 3).ToMimeBundle()["text/plain"];
        var fromTensors = Figures.Trajectory([t1, t2], limit: 3).ToMimeBundle()["text/plain"];
        Assert.Equal(fromTensors, fromArrays);
        Assert.Throws<ArgumentException>(() => Figures.Trajectory([new float[] { 1, 2, 3 }]));
    }
}
