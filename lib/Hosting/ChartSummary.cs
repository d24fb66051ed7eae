using System.Globalization;
using Plotly.NET;

namespace Diffusion.Hosting;

/// <summary>What a chart holds, read from Plotly.NET's objects: title, size and trace types (for text output and page titles).</summary>
internal sealed record ChartSummary(string? Title, int? Width, int? Height, IReadOnlyList<string> TraceTypes, int FrameCount)
{
    /// <summary>Reads the summary of <paramref name="chart"/> with <paramref name="frameCount"/> animation frames.</summary>
    internal static ChartSummary Of(GenericChart chart, int frameCount = 0)
    {
        var layout = GenericChart.getLayout(chart);
        string? title = Property(layout, "title") switch
        {
            Title t => Property(t, "text") as string,
            string s => s,
            _ => null,
        };
        var types = GenericChart.getTraces(chart).Select(t => t.type).ToList();
        return new ChartSummary(title, Pixels(Property(layout, "width")), Pixels(Property(layout, "height")), types, frameCount);
    }

    /// <summary>E.g. <c>Chart "loss": 2 traces (scatter), 700x380</c> or <c>Animation "chains": 1 trace (scatter), 21 frames</c>.</summary>
    public override string ToString()
    {
        var kind = FrameCount > 0 ? "Animation" : "Chart";
        var title = Title is null ? "" : $" \"{Title}\"";
        var kinds = string.Join(", ", TraceTypes.Distinct());
        var size = Width is int w && Height is int h ? string.Create(CultureInfo.InvariantCulture, $", {w}x{h}") : "";
        var frames = FrameCount > 0 ? string.Create(CultureInfo.InvariantCulture, $", {FrameCount} frames") : "";
        return string.Create(CultureInfo.InvariantCulture, $"{kind}{title}: {TraceTypes.Count} trace{(TraceTypes.Count == 1 ? "" : "s")} ({kinds}){size}{frames}");
    }

    private static object? Property(DynamicObj.DynamicObj o, string name) =>
        o.TryGetPropertyValue(name) is { } some ? some.Value : null;

    private static int? Pixels(object? value) => value switch
    {
        int i => i,
        double d when double.IsFinite(d) => (int)Math.Round(d),
        float f when float.IsFinite(f) => (int)Math.Round(f),
        _ => null,
    };
}
