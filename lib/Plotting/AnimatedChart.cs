using Diffusion.Hosting;
using Plotly.NET;

namespace Diffusion.Plotting;

/// <summary>
/// A Plotly.NET chart with animation frames, a play/pause button and a frame slider (made by
/// <see cref="Figures.Animation"/>). Plotly.NET's <see cref="GenericChart"/> has no frames, so this pairs the first
/// picture (<see cref="Chart"/>, which carries the controls) with Plotly.NET <see cref="Frame"/> objects, and renders
/// both offline. Style the picture with <see cref="With"/>: <c>animation.With(c =&gt; c.WithTitle("chains").WithSize(560, 600))</c>.
/// </summary>
public sealed class AnimatedChart
{
    internal AnimatedChart(GenericChart chart, IReadOnlyList<Frame> frames, IReadOnlyList<string> frameNames)
    {
        Chart = chart;
        Frames = frames;
        FrameNames = frameNames;
    }

    /// <summary>The first picture, with the play/pause menu and the slider in its layout.</summary>
    public GenericChart Chart { get; }

    /// <summary>The frames, in play order (Plotly.NET objects with <c>name</c>, <c>data</c> and optionally <c>layout</c>).</summary>
    public IReadOnlyList<Frame> Frames { get; }

    /// <summary>The frame names, as the slider shows them.</summary>
    public IReadOnlyList<string> FrameNames { get; }

    /// <summary>The same animation with its picture restyled by <paramref name="style"/> (title, size, axis ranges …).</summary>
    public AnimatedChart With(Func<GenericChart, GenericChart> style)
    {
        ArgumentNullException.ThrowIfNull(style);
        return new AnimatedChart(style(Chart), Frames, FrameNames);
    }

    /// <summary>The figure as plotly.js takes it, frames included (see <see cref="ChartJson.Figure"/>).</summary>
    public string ToFigureJson() => ChartJson.Figure(Chart, Frames);

    /// <summary>An HTML fragment that draws the animation (plotly.js inlined before it when <paramref name="includePlotlyJs"/>).</summary>
    public string ToHtml(bool includePlotlyJs = true) => ChartHtml.Fragment(ToFigureJson(), Summary, includePlotlyJs);

    /// <summary>A self-contained HTML page that plays the animation with no network.</summary>
    public string ToHtmlPage() => ChartHtml.Page(ToFigureJson(), Summary);

    /// <summary>Writes <see cref="ToHtmlPage"/> to <paramref name="path"/> atomically; returns the full path.</summary>
    public string SaveHtml(string path) => ChartHtml.Save(ToHtmlPage(), path);

    /// <summary>The notebook rendering: <c>text/plain</c> and <c>text/html</c> (plotly.js inlined in the notebook's first figure only).</summary>
    public IReadOnlyDictionary<string, string> ToMimeBundle() => ChartHtml.MimeBundleFor(ToFigureJson(), Summary);

    /// <summary>E.g. <c>Animation "chains": 1 trace (scatter), 560x600, 21 frames</c>.</summary>
    public override string ToString() => Summary.ToString();

    private ChartSummary Summary => ChartSummary.Of(Chart, Frames.Count);
}
