using System.Text.Json;
using Diffusion.Plotting;
using Diffusion.Tensors;
using static Diffusion.Tests.Plotting.PlotJsonAssert;

namespace Diffusion.Tests.Plotting;

public class FigureJsonTests
{
    [Fact]
    public void Line_WritesScatterTraceWithLinesModeAndStyle()
    {
        var fig = Chart.Line(new[] { 1.0, 2, 3 }, new[] { 4.0, 5, 6 }, name: "loss", color: "red", dash: Dash.DashDot, width: 3);
        var t = Trace(fig);
        Assert.Equal("scatter", t.GetProperty("type").GetString());
        Assert.Equal("lines", t.GetProperty("mode").GetString());
        Assert.Equal("loss", t.GetProperty("name").GetString());
        Assert.Equal(new[] { 1.0, 2, 3 }, Doubles(t.GetProperty("x")));
        Assert.Equal(new[] { 4.0, 5, 6 }, Doubles(t.GetProperty("y")));
        Assert.Equal("red", t.GetProperty("line").GetProperty("color").GetString());
        Assert.Equal("dashdot", t.GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal(3, t.GetProperty("line").GetProperty("width").GetDouble());
        Assert.False(t.TryGetProperty("xaxis", out _));
    }

    [Fact]
    public void Line_OfYOnly_OmitsXSoPlotlyCountsFromZero()
    {
        var t = Trace(Chart.Line(new List<float> { 0.5f, 0.25f }));
        Assert.False(t.TryGetProperty("x", out _));
        Assert.Equal(new[] { 0.5, 0.25 }, Doubles(t.GetProperty("y")));
    }

    [Fact]
    public void Scatter_Markers_WritesModeSizeColourAndWebGL()
    {
        var fig = Chart.Scatter(new[] { 1, 2 }, new[] { 3, 4 }, mode: Mode.Markers, color: "#00f", size: 7, webGL: true);
        var t = Trace(fig);
        Assert.Equal("scattergl", t.GetProperty("type").GetString());
        Assert.Equal("markers", t.GetProperty("mode").GetString());
        Assert.Equal(7, t.GetProperty("marker").GetProperty("size").GetDouble());
        Assert.Equal("#00f", t.GetProperty("marker").GetProperty("color").GetString());
        Assert.Equal("lines+markers", Trace(Chart.Scatter(new[] { 1 }, new[] { 2 }, Mode.LinesMarkers)).GetProperty("mode").GetString());
    }

    [Fact]
    public void Scatter_ColouredByValues_WritesMarkerColorArrayAndScale()
    {
        var t = Trace(Chart.Scatter(new[] { 1.0, 2 }, new[] { 3.0, 4 }, colors: new[] { 0, 1 }, colorscale: Colorscale.Jet));
        Assert.Equal(new[] { 0.0, 1 }, Doubles(t.GetProperty("marker").GetProperty("color")));
        Assert.Equal("Jet", t.GetProperty("marker").GetProperty("colorscale").GetString());
    }

    [Fact]
    public void Numbers_AreInvariantRoundTripAndNonFiniteIsNull()
    {
        var fig = Chart.Line(new[] { 0.5, double.NaN, 1e-7, double.PositiveInfinity, -1234567.25 });
        var json = fig.ToJson();
        Assert.Contains("[0.5,null,1E-07,null,-1234567.25]", json);
        Assert.DoesNotContain("NaN", json);
        Assert.DoesNotContain("Infinity", json);
        var y = Trace(fig).GetProperty("y");
        Assert.Equal(JsonValueKind.Null, y[1].ValueKind);
        Assert.Equal(1e-7, y[2].GetDouble());
        // float input is written with float precision: 0.1f prints as 0.1, not 0.10000000149011612.
        Assert.Contains("\"y\":[0.1,0.2]", Chart.Line(new[] { 0.1f, 0.2f }).ToJson());
    }

    [Fact]
    public void Values_FromTensor_FlattensAndKeepsFloatPrecision()
    {
        using var t = Torch.FromArray(new float[] { 0.1f, 2, 3, 4 }, 2, 2);
        var fig = Chart.Line(t);
        Assert.Equal(new[] { 0.1, 2, 3, 4 }, Doubles(Trace(fig).GetProperty("y")));
        Assert.Contains("[0.1,2,3,4]", fig.ToJson());
    }

    [Fact]
    public void Line_ThrowsForMismatchedLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => Chart.Line(new[] { 1.0, 2 }, new[] { 1.0 }));
        Assert.Contains("same length", e.Message);
    }

    [Fact]
    public void Heatmap_WritesRowsColorscaleRangeAndAxes()
    {
        var z = new double[,] { { 1, 2, 3 }, { 4, double.NaN, 6 } };
        var fig = Chart.Heatmap(z, x: new[] { "a", "b", "c" }, colorscale: Colorscale.Greys, zmin: 0, zmax: 10, showScale: false);
        var t = Trace(fig);
        Assert.Equal("heatmap", t.GetProperty("type").GetString());
        var rows = t.GetProperty("z");
        Assert.Equal(2, rows.GetArrayLength());
        Assert.Equal(new[] { 1.0, 2, 3 }, Doubles(rows[0]));
        Assert.Equal(JsonValueKind.Null, rows[1][1].ValueKind);
        Assert.Equal(new[] { "a", "b", "c" }, Strings(t.GetProperty("x")));
        Assert.Equal("Greys", t.GetProperty("colorscale").GetString());
        Assert.Equal(0, t.GetProperty("zmin").GetDouble());
        Assert.Equal(10, t.GetProperty("zmax").GetDouble());
        Assert.False(t.GetProperty("showscale").GetBoolean());
    }

    [Fact]
    public void Heatmap_AsImage_ReversesYAndLocksAspect()
    {
        using var z = Torch.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var root = Parse(Chart.Heatmap(z, asImage: true));
        Assert.Equal(new[] { 4.0, 5, 6 }, Doubles(root.GetProperty("data")[0].GetProperty("z")[1]));
        var y = root.GetProperty("layout").GetProperty("yaxis");
        Assert.Equal("reversed", y.GetProperty("autorange").GetString());
        Assert.Equal("x", y.GetProperty("scaleanchor").GetString());
        Assert.Equal(1, y.GetProperty("scaleratio").GetDouble());
    }

    [Fact]
    public void Heatmap_FromTensor_ThrowsForNon2D()
    {
        using var z = Torch.Zeros([2, 2, 2]);
        var e = Assert.Throws<ArgumentException>(() => Chart.Heatmap(z));
        Assert.Contains("[2, 2, 2]", e.Message);
    }

    [Fact]
    public void Image_FromRgb_WritesZWithRgbColorModel()
    {
        var rgb = new byte[1, 2, 3] { { { 255, 0, 0 }, { 0, 128, 255 } } };
        var t = Trace(Chart.Image(rgb));
        Assert.Equal("image", t.GetProperty("type").GetString());
        Assert.Equal("rgb", t.GetProperty("colormodel").GetString());
        Assert.Equal(new[] { 0.0, 128, 255 }, Doubles(t.GetProperty("z")[0][1]));
    }

    [Fact]
    public void Image_FromTensor_WritesPngDataUriOfTheRightSize()
    {
        using var img = Torch.FromArray(new float[] { -1, 1, 0, 1, -1, 0 }, 1, 2, 3);
        var t = Trace(Chart.Image(img));
        var src = t.GetProperty("source").GetString()!;
        Assert.StartsWith("data:image/png;base64,", src);
        var png = Diffusion.IO.Png.Decode(Convert.FromBase64String(src["data:image/png;base64,".Length..]));
        Assert.Equal((3, 2), (png.Width, png.Height));
        Assert.Equal(0, png[0, 0]);
        Assert.Equal(255, png[1, 0]);
        // the PNG data URI goes back into Chart.Image unchanged
        Assert.Equal(src, Trace(Chart.Image(src)).GetProperty("source").GetString());
    }

    [Fact]
    public void Image_ThrowsForNonPngDataUri()
    {
        Assert.Throws<ArgumentException>(() => Chart.Image("data:image/jpeg;base64,AAAA"));
    }

    [Fact]
    public void Bar_WritesCategoriesAndOrientation()
    {
        var t = Trace(Chart.Bar(new[] { "cat", "dog" }, new[] { 3, 5 }, color: "green"));
        Assert.Equal("bar", t.GetProperty("type").GetString());
        Assert.Equal(new[] { "cat", "dog" }, Strings(t.GetProperty("x")));
        Assert.Equal(new[] { 3.0, 5 }, Doubles(t.GetProperty("y")));
        Assert.Equal("green", t.GetProperty("marker").GetProperty("color").GetString());
        Assert.False(t.TryGetProperty("orientation", out _));
        var h = Trace(Chart.Bar(new[] { "cat", "dog" }, new[] { 3, 5 }, orientation: Orientation.Horizontal));
        Assert.Equal("h", h.GetProperty("orientation").GetString());
        Assert.Equal(new[] { 3.0, 5 }, Doubles(h.GetProperty("x")));
        Assert.Equal(new[] { "cat", "dog" }, Strings(h.GetProperty("y")));
    }

    [Fact]
    public void Histogram_WritesSamplesBinsAndNorm()
    {
        var t = Trace(Chart.Histogram(new[] { 1.0, 2, 2, 3 }, bins: 20, norm: HistNorm.ProbabilityDensity));
        Assert.Equal("histogram", t.GetProperty("type").GetString());
        Assert.Equal(4, t.GetProperty("x").GetArrayLength());
        Assert.Equal(20, t.GetProperty("nbinsx").GetInt32());
        Assert.Equal("probability density", t.GetProperty("histnorm").GetString());
        Assert.False(Trace(Chart.Histogram(new[] { 1.0 })).TryGetProperty("histnorm", out _));
    }

    [Fact]
    public void FluentStyling_WritesTitleSizeAxesAndPaths()
    {
        var fig = Chart.Line(new[] { 1.0, 2 })
            .WithTitle("Loss")
            .WithSize(640, 320)
            .WithLegend(false)
            .WithXAxisStyle(title: "step")
            .WithYAxisStyle(title: "loss", min: 1e-3, max: 10, type: AxisType.Log, showGrid: false)
            .WithLayout(l => l.Set("legend.x", 0.1).Set("margin.t", 40))
            .WithConfig("staticPlot", true);
        fig.Traces[0].Set("marker.line.width", 2);
        var root = Parse(fig);
        var layout = root.GetProperty("layout");
        Assert.Equal("Loss", layout.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(640, layout.GetProperty("width").GetInt32());
        Assert.Equal(320, layout.GetProperty("height").GetInt32());
        Assert.False(layout.GetProperty("showlegend").GetBoolean());
        Assert.Equal("step", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        var y = layout.GetProperty("yaxis");
        Assert.Equal("log", y.GetProperty("type").GetString());
        Assert.Equal(new[] { 1e-3, 10 }, Doubles(y.GetProperty("range")));
        Assert.False(y.GetProperty("showgrid").GetBoolean());
        Assert.Equal(0.1, layout.GetProperty("legend").GetProperty("x").GetDouble());
        Assert.Equal(40, layout.GetProperty("margin").GetProperty("t").GetInt32());
        Assert.Equal(2, root.GetProperty("data")[0].GetProperty("marker").GetProperty("line").GetProperty("width").GetInt32());
        Assert.True(fig.Config["staticPlot"]!.GetValue<bool>());
        Assert.Equal("Figure \"Loss\": 1 trace (scatter)", fig.ToString());
    }

    [Fact]
    public void Combine_OverlaysTracesAndMergesLayouts()
    {
        var fig = Chart.Combine(
            Chart.Line(new[] { 1.0, 2 }, name: "train").WithTitle("first"),
            Chart.Line(new[] { 3.0, 4 }, name: "test").WithTitle("loss").WithYAxisStyle("value"));
        var root = Parse(fig);
        Assert.Equal(new[] { "train", "test" }, root.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal("loss", root.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("value", root.GetProperty("layout").GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
    }
}
