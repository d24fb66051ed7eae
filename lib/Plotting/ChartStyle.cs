using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace Diffusion.Plotting;

/// <summary>
/// Fluent styling that Plotly.NET.CSharp 0.14 does not offer from C# (its F# counterparts take every option
/// positionally): <c>chart.WithTitle("loss")</c>, <c>chart.WithAxisTitles("step", "loss")</c>,
/// <c>chart.WithEqualAxes()</c>. Each returns a new chart, as Plotly.NET's own styling does.
/// </summary>
public static class ChartStyle
{
    /// <summary>
    /// Sets the chart title (Plotly.NET's <c>Chart.withTitle</c>), and makes room for it when the chart set a top margin too
    /// small for a title (image grids keep a thin margin), so the title is not cut off.
    /// </summary>
    public static GenericChart WithTitle(this GenericChart chart, string title)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentNullException.ThrowIfNull(title);
        var titled = Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
        if (GenericChart.getLayout(chart).TryGetPropertyValue("margin") is { Value: Margin margin }
            && margin.TryGetPropertyValue("t") is { Value: int top } && top < TitleMargin)
        {
            var room = new Margin();
            room.SetProperty("t", TitleMargin);
            var layout = new Layout();
            layout.SetProperty("margin", room);
            if (GenericChart.getLayout(chart).TryGetPropertyValue("height") is { Value: int height })
            {
                layout.SetProperty("height", height + TitleMargin - top);   // the picture keeps its size
            }
            titled = Plotly.NET.Chart.withLayout(layout).Invoke(titled);
        }
        return titled;
    }

    /// <summary>The top margin, in pixels, that a one-line title needs.</summary>
    private const int TitleMargin = 50;

    /// <summary>Sets the titles of the first x and y axes (null leaves a title as it is).</summary>
    public static GenericChart WithAxisTitles(this GenericChart chart, string? x = null, string? y = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var layout = new Layout();
        if (x is not null)
        {
            layout.SetProperty("xaxis", Axis("title", TitleOf(x)));
        }
        if (y is not null)
        {
            layout.SetProperty("yaxis", Axis("title", TitleOf(y)));
        }
        return Plotly.NET.Chart.withLayout(layout).Invoke(chart);
    }

    /// <summary>
    /// Makes one unit on y as long as one unit on x in every subplot the traces use (y axis k gets
    /// <c>scaleanchor = "xk"</c>, <c>scaleratio = 1</c>): circles look round, point clouds and fields keep their shape.
    /// </summary>
    public static GenericChart WithEqualAxes(this GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var layout = new Layout();
        foreach (var (xId, yId) in AxisPairs(chart))
        {
            var axis = Axis("scaleanchor", xId);
            axis.SetProperty("scaleratio", 1);
            layout.SetProperty(LayoutKey(yId), axis);
        }
        return Plotly.NET.Chart.withLayout(layout).Invoke(chart);
    }

    /// <summary>
    /// Makes an axis logarithmic with every tick labelled in full (<see cref="LogTicks"/>): no single-digit minor labels.
    /// The ticks are chosen from the positive values the chart's traces put on that axis.
    /// </summary>
    /// <param name="chart">The chart.</param>
    /// <param name="axis">"x" or "y" (the first axes).</param>
    /// <param name="title">The axis title, or null to keep the one it has.</param>
    /// <exception cref="ArgumentException">The axis is not "x" or "y", or no trace has a positive value on it.</exception>
    public static GenericChart WithLogAxis(this GenericChart chart, string axis = "y", string? title = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        if (axis is not ("x" or "y"))
        {
            throw new ArgumentException($"axis must be \"x\" or \"y\", got \"{axis}\"", nameof(axis));
        }
        var values = GenericChart.getTraces(chart)
            .Where(t => (t.TryGetPropertyValue(axis + "axis")?.Value as string ?? axis) == axis)
            .SelectMany(t => Numbers(t.TryGetPropertyValue(axis)?.Value))
            .Where(v => v > 0 && double.IsFinite(v))
            .ToList();
        if (values.Count == 0)
        {
            throw new ArgumentException($"no trace has a positive value on the {axis} axis, so it cannot be logarithmic");
        }
        var (ticks, labels) = LogTicks.For(values.Min(), values.Max());
        var settings = new LinearAxis();
        settings.SetProperty("type", "log");
        settings.SetProperty("tickmode", "array");
        settings.SetProperty("tickvals", ticks);
        settings.SetProperty("ticktext", labels);
        if (title is not null)
        {
            settings.SetProperty("title", TitleOf(title));
        }
        var layout = new Layout();
        layout.SetProperty(axis + "axis", settings);
        return Plotly.NET.Chart.withLayout(layout).Invoke(chart);
    }

    /// <summary>The numbers in a trace's data array (Plotly.NET keeps them as any sequence), skipping what is not a number.</summary>
    private static IEnumerable<double> Numbers(object? data)
    {
        if (data is string || data is not System.Collections.IEnumerable items)
        {
            yield break;
        }
        foreach (var item in items)
        {
            switch (item)
            {
                case double d:
                    yield return d;
                    break;
                case float f:
                    yield return f;
                    break;
                case int or long or decimal:
                    yield return Convert.ToDouble(item, System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
        }
    }

    /// <summary>The (x, y) axis ids the chart's traces draw on, e.g. ("x", "y"), ("x2", "y2").</summary>
    internal static IEnumerable<(string X, string Y)> AxisPairs(GenericChart chart) =>
        GenericChart.getTraces(chart)
            .Select(t => (X: t.TryGetPropertyValue("xaxis")?.Value as string ?? "x", Y: t.TryGetPropertyValue("yaxis")?.Value as string ?? "y"))
            .Distinct();

    /// <summary>The layout member of an axis id: "y" → "yaxis", "y2" → "yaxis2".</summary>
    internal static string LayoutKey(string axisId) => axisId[..1] + "axis" + axisId[1..];

    /// <summary>A Plotly.NET axis with one attribute set.</summary>
    internal static LinearAxis Axis(string attribute, object value)
    {
        var axis = new LinearAxis();
        axis.SetProperty(attribute, value);
        return axis;
    }

    private static Title TitleOf(string text)
    {
        var title = new Title();
        title.SetProperty("text", text);
        return title;
    }
}
