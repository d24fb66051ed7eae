using Diffusion.Plotting;
using static Diffusion.Tests.Plotting.PlotJsonAssert;

namespace Diffusion.Tests.Plotting;

public class SubplotTests
{
    [Fact]
    public void Subplots_AssignAxesDomainsAndAnchorsPerCell()
    {
        var fig = Figure.Subplots(2, 2, horizontalSpacing: 0.1, verticalSpacing: 0.2)
            .Add(new ScatterTrace(null, new[] { 1.0 }), 1, 1)
            .Add(new ScatterTrace(null, new[] { 2.0 }), 2, 2);
        var root = Parse(fig);
        var data = root.GetProperty("data");
        Assert.False(data[0].TryGetProperty("xaxis", out _));
        Assert.Equal("x4", data[1].GetProperty("xaxis").GetString());
        Assert.Equal("y4", data[1].GetProperty("yaxis").GetString());
        var layout = root.GetProperty("layout");
        Assert.Equal(new[] { 0.0, 0.45 }, Doubles(layout.GetProperty("xaxis").GetProperty("domain")));
        Assert.Equal(new[] { 0.55, 1.0 }, Doubles(layout.GetProperty("xaxis4").GetProperty("domain")));
        Assert.Equal(new[] { 0.6, 1.0 }, Doubles(layout.GetProperty("yaxis").GetProperty("domain")));
        Assert.Equal(new[] { 0.0, 0.4 }, Doubles(layout.GetProperty("yaxis4").GetProperty("domain")));
        Assert.Equal("y3", layout.GetProperty("xaxis3").GetProperty("anchor").GetString());
        Assert.Equal("x2", layout.GetProperty("yaxis2").GetProperty("anchor").GetString());
        Assert.Equal("Figure: 2 traces (scatter), 2x2 subplots", fig.ToString());
    }

    [Fact]
    public void Subplots_SharedAxesMatchAndHideInnerTickLabels()
    {
        var layout = Parse(Figure.Subplots(2, 3, sharedX: true, sharedY: true)).GetProperty("layout");
        // x: every column matches its bottom cell (4, 5, 6); y: every row matches its first cell (1, 4).
        Assert.Equal("x4", layout.GetProperty("xaxis").GetProperty("matches").GetString());
        Assert.Equal("x6", layout.GetProperty("xaxis3").GetProperty("matches").GetString());
        Assert.False(layout.GetProperty("xaxis4").TryGetProperty("matches", out _));
        Assert.False(layout.GetProperty("xaxis2").GetProperty("showticklabels").GetBoolean());
        Assert.Equal("y", layout.GetProperty("yaxis2").GetProperty("matches").GetString());
        Assert.Equal("y4", layout.GetProperty("yaxis6").GetProperty("matches").GetString());
        Assert.False(layout.GetProperty("yaxis4").TryGetProperty("matches", out _));
        Assert.False(layout.GetProperty("yaxis5").GetProperty("showticklabels").GetBoolean());
    }

    [Fact]
    public void Subplots_TitlesBecomePaperAnnotationsAboveEachCell()
    {
        var layout = Parse(Figure.Subplots(1, 2, titles: ["left", null], horizontalSpacing: 0)).GetProperty("layout");
        var notes = layout.GetProperty("annotations");
        Assert.Equal(1, notes.GetArrayLength());
        Assert.Equal("left", notes[0].GetProperty("text").GetString());
        Assert.Equal(0.25, notes[0].GetProperty("x").GetDouble());
        Assert.Equal(1.0, notes[0].GetProperty("y").GetDouble());
        Assert.Equal("paper", notes[0].GetProperty("xref").GetString());
        Assert.False(notes[0].GetProperty("showarrow").GetBoolean());
    }

    [Fact]
    public void Subplots_RejectOutOfRangeCellsAndSpacing()
    {
        var fig = Figure.Subplots(1, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => fig.Add(new ScatterTrace(null, new[] { 1.0 }), 2, 1));
        Assert.Throws<ArgumentException>(() => Figure.Subplots(1, 3, horizontalSpacing: 0.6));
        Assert.Throws<InvalidOperationException>(() => new Figure().Add(new ScatterTrace(null, new[] { 1.0 }), 1, 1));
    }

    [Fact]
    public void Grid_PlacesFiguresRowMajorAndCarriesAxisSettings()
    {
        var a = Chart.Line(new[] { 1.0, 2 }).WithTitle("loss").WithXAxisStyle("step");
        var b = Chart.Heatmap(new double[,] { { 1, 2 } }, asImage: true).WithTitle("sample");
        var c = Chart.Histogram(new[] { 1.0, 2 });
        var grid = Chart.Grid([a, b, c], rows: 2, cols: 2);
        var root = Parse(grid);
        var data = root.GetProperty("data");
        Assert.Equal("x2", data[1].GetProperty("xaxis").GetString());
        Assert.Equal("heatmap", data[1].GetProperty("type").GetString());
        Assert.Equal("y3", data[2].GetProperty("yaxis").GetString());
        var layout = root.GetProperty("layout");
        Assert.Equal("step", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        // the heatmap's equal-aspect anchor is re-targeted to its own cell
        Assert.Equal("x2", layout.GetProperty("yaxis2").GetProperty("scaleanchor").GetString());
        Assert.Equal("reversed", layout.GetProperty("yaxis2").GetProperty("autorange").GetString());
        Assert.Equal(new[] { "loss", "sample" }, layout.GetProperty("annotations").EnumerateArray().Select(n => n.GetProperty("text").GetString()!));
        // the source figures are not changed
        Assert.Equal("x", a.Traces[0].XAxis);
    }

    [Fact]
    public void Grid_ThrowsWhenFiguresDoNotFit()
    {
        var f = Chart.Line(new[] { 1.0 });
        Assert.Throws<ArgumentException>(() => Chart.Grid([f, f, f], rows: 1, cols: 2));
    }

    [Fact]
    public void WithEqualAxes_AnchorsEveryYAxisToItsX()
    {
        var fig = Figure.Subplots(1, 2).Add(new ScatterTrace(null, new[] { 1.0 }), 1, 2).WithEqualAxes();
        var layout = Parse(fig).GetProperty("layout");
        Assert.Equal("x", layout.GetProperty("yaxis").GetProperty("scaleanchor").GetString());
        Assert.Equal("x2", layout.GetProperty("yaxis2").GetProperty("scaleanchor").GetString());
        Assert.Equal(1, layout.GetProperty("yaxis2").GetProperty("scaleratio").GetDouble());
    }
}
