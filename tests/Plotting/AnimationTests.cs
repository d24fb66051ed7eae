using System.Text.Json;
using Diffusion.Plotting;
using Plotly.NET;
using TorchSharp;
using static Diffusion.Tests.Plotting.ChartJsonAssert;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Diffusion.Tests.Plotting;

public class AnimationTests
{
    private static GenericChart Line(double v) => CSharpChart.Line<double, double, string>([0.0, 1], [v, v + 1], Name: "line");

    private static AnimatedChart Animated(int frames, int durationMs = 150) =>
        Figures.Animation(Enumerable.Range(0, frames).Select(i => ($"t={i}", Line(i).WithTitle($"step {i}"))), frameDurationMs: durationMs, sliderPrefix: "step: ");

    [Fact]
    public void Animation_WritesFramesWithNamesDataAndTitles()
    {
        var figure = Figure(Animated(3));
        var frames = figure.GetProperty("frames");
        Assert.Equal(3, frames.GetArrayLength());
        Assert.Equal("t=2", frames[2].GetProperty("name").GetString());
        Assert.Equal(new[] { 2.0, 3 }, Doubles(frames[2].GetProperty("data")[0].GetProperty("y")));
        Assert.Equal("step 2", frames[2].GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        // The first picture is the first frame.
        Assert.Equal(new[] { 0.0, 1 }, Doubles(figure.GetProperty("data")[0].GetProperty("y")));
    }

    [Fact]
    public void Animation_AddsPlayPauseButtonsWithTheFrameDuration()
    {
        var menus = Figure(Animated(2, durationMs: 120)).GetProperty("layout").GetProperty("updatemenus");
        Assert.Equal(1, menus.GetArrayLength());
        Assert.Equal("buttons", menus[0].GetProperty("type").GetString());
        var play = menus[0].GetProperty("buttons")[0];
        Assert.Contains("Play", play.GetProperty("label").GetString());
        Assert.Equal("animate", play.GetProperty("method").GetString());
        Assert.Equal(JsonValueKind.Null, play.GetProperty("args")[0].ValueKind);
        var options = play.GetProperty("args")[1];
        Assert.Equal(120, options.GetProperty("frame").GetProperty("duration").GetInt32());
        Assert.True(options.GetProperty("frame").GetProperty("redraw").GetBoolean());
        Assert.True(options.GetProperty("fromcurrent").GetBoolean());
        var pause = menus[0].GetProperty("buttons")[1];
        Assert.Contains("Pause", pause.GetProperty("label").GetString());
        Assert.Equal(JsonValueKind.Null, pause.GetProperty("args")[0][0].ValueKind);
        Assert.Equal(0, pause.GetProperty("args")[1].GetProperty("frame").GetProperty("duration").GetInt32());
    }

    [Fact]
    public void Animation_AddsASliderWithOneStepPerFrame()
    {
        var sliders = Figure(Animated(4)).GetProperty("layout").GetProperty("sliders");
        Assert.Equal(1, sliders.GetArrayLength());
        var steps = sliders[0].GetProperty("steps");
        Assert.Equal(4, steps.GetArrayLength());
        Assert.Equal("t=3", steps[3].GetProperty("label").GetString());
        Assert.Equal("animate", steps[3].GetProperty("method").GetString());
        Assert.Equal("t=3", steps[3].GetProperty("args")[0][0].GetString());
        Assert.Equal("immediate", steps[3].GetProperty("args")[1].GetProperty("mode").GetString());
        Assert.Equal("step: ", sliders[0].GetProperty("currentvalue").GetProperty("prefix").GetString());
    }

    [Fact]
    public void Animation_RejectsDuplicateNamesMismatchedFramesAndNoFrames()
    {
        Assert.Contains("'a'", Assert.Throws<ArgumentException>(() => Figures.Animation([("a", Line(0)), ("a", Line(1))])).Message);
        var two = CSharpChart.Combine([Line(0), Line(1)]);
        Assert.Contains("frame 'b' draws 2 traces", Assert.Throws<ArgumentException>(() => Figures.Animation([("a", Line(0)), ("b", two)])).Message);
        Assert.Throws<ArgumentException>(() => Figures.Animation([]));
    }

    [Fact]
    public void With_RestylesThePictureAndKeepsTheFrames()
    {
        var animation = Animated(3).With(c => c.WithTitle("chains").WithSize(560, 600));
        var figure = Figure(animation);
        Assert.Equal("chains", figure.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(560, figure.GetProperty("layout").GetProperty("width").GetInt32());
        Assert.Equal(3, figure.GetProperty("frames").GetArrayLength());
        Assert.Equal(1, figure.GetProperty("layout").GetProperty("sliders").GetArrayLength());
        Assert.Equal("Animation \"chains\": 1 trace (scatter), 560x600, 3 frames", animation.ToString());
    }

    [Fact]
    public void Trajectory_AnimatesPointCloudsOnFixedEqualAxes()
    {
        using var scope = torch.NewDisposeScope();
        var snapshots = new[] { torch.zeros([10, 2]), torch.ones([10, 2]).mul(2), torch.ones([10, 2]).mul(-4) };
        var animation = Figures.Trajectory(snapshots, k => $"{k * 50}", maxPoints: 4);
        var figure = Figure(animation);
        Assert.Equal(new[] { "0", "50", "100" }, animation.FrameNames);
        var frames = figure.GetProperty("frames");
        Assert.Equal(4, frames[1].GetProperty("data")[0].GetProperty("x").GetArrayLength());
        Assert.Equal(new[] { 2.0, 2, 2, 2 }, Doubles(frames[1].GetProperty("data")[0].GetProperty("y")));
        var layout = figure.GetProperty("layout");
        Assert.Equal(new[] { -4.2, 4.2 }, Doubles(layout.GetProperty("xaxis").GetProperty("range")).Select(v => Math.Round(v, 9)));
        Assert.Equal(new[] { -4.2, 4.2 }, Doubles(layout.GetProperty("yaxis").GetProperty("range")).Select(v => Math.Round(v, 9)));
        Assert.Equal("x", layout.GetProperty("yaxis").GetProperty("scaleanchor").GetString());
    }
}
