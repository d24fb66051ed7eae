using System.Text.Json;
using Diffusion.Plotting;
using static Diffusion.Tests.Plotting.PlotJsonAssert;

namespace Diffusion.Tests.Plotting;

public class AnimationTests
{
    private static Figure Animated(int frames, int durationMs = 150)
    {
        var list = Enumerable.Range(0, frames)
            .Select(i => new Frame($"t={i}", new HeatmapTrace([[i, i + 1.0]])) { Layout = new Layout { Title = $"step {i}" } })
            .ToList();
        return Chart.Heatmap(new double[][] { [0, 1] }).WithFrames(list, frameDurationMs: durationMs, sliderPrefix: "step: ");
    }

    [Fact]
    public void WithFrames_WritesFramesWithNamesDataAndLayout()
    {
        var root = Parse(Animated(3));
        var frames = root.GetProperty("frames");
        Assert.Equal(3, frames.GetArrayLength());
        Assert.Equal("t=2", frames[2].GetProperty("name").GetString());
        Assert.Equal(new[] { 2.0, 3 }, Doubles(frames[2].GetProperty("data")[0].GetProperty("z")[0]));
        Assert.Equal("step 2", frames[2].GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.False(frames[0].TryGetProperty("traces", out _));
    }

    [Fact]
    public void WithFrames_AddsPlayPauseButtonsWithFrameDuration()
    {
        var menus = Parse(Animated(2, durationMs: 150)).GetProperty("layout").GetProperty("updatemenus");
        Assert.Equal(1, menus.GetArrayLength());
        var buttons = menus[0].GetProperty("buttons");
        Assert.Equal("buttons", menus[0].GetProperty("type").GetString());
        var play = buttons[0];
        Assert.Contains("Play", play.GetProperty("label").GetString());
        Assert.Equal("animate", play.GetProperty("method").GetString());
        Assert.Equal(JsonValueKind.Null, play.GetProperty("args")[0].ValueKind);
        var opts = play.GetProperty("args")[1];
        Assert.Equal(150, opts.GetProperty("frame").GetProperty("duration").GetInt32());
        Assert.True(opts.GetProperty("frame").GetProperty("redraw").GetBoolean());
        Assert.True(opts.GetProperty("fromcurrent").GetBoolean());
        var pause = buttons[1];
        Assert.Contains("Pause", pause.GetProperty("label").GetString());
        Assert.Equal(JsonValueKind.Null, pause.GetProperty("args")[0][0].ValueKind);
        Assert.Equal(0, pause.GetProperty("args")[1].GetProperty("frame").GetProperty("duration").GetInt32());
    }

    [Fact]
    public void WithFrames_AddsSliderWithOneStepPerFrame()
    {
        var sliders = Parse(Animated(4)).GetProperty("layout").GetProperty("sliders");
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
    public void WithFrames_CalledTwiceKeepsOneMenuAndSliderAndRejectsDuplicateNames()
    {
        var fig = Animated(2);
        fig.WithFrames([new Frame("more", new HeatmapTrace([[5.0]]))]);
        var layout = Parse(fig).GetProperty("layout");
        Assert.Equal(1, layout.GetProperty("updatemenus").GetArrayLength());
        Assert.Equal(3, layout.GetProperty("sliders")[0].GetProperty("steps").GetArrayLength());
        Assert.Throws<ArgumentException>(() => fig.WithFrames([new Frame("t=0", new HeatmapTrace([[1.0]]))]));
        Assert.Throws<ArgumentException>(() => new Figure().WithFrames([new Frame("a"), new Frame("a")]));
        Assert.Throws<ArgumentException>(() => new Figure().WithFrames([]));
    }

    [Fact]
    public void Frame_TraceIndicesSelectWhichTracesChange()
    {
        var fig = Chart.Combine(Chart.Line(new[] { 1.0 }), Chart.Line(new[] { 2.0 }))
            .WithFrames([new Frame("f", new ScatterTrace(null, new[] { 9.0 })) { TraceIndices = [1] }]);
        var frame = Parse(fig).GetProperty("frames")[0];
        Assert.Equal(new[] { 1.0 }, Doubles(frame.GetProperty("traces")));
    }
}
