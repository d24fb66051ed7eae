using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

/// <summary>
/// A plotly figure: traces, a layout and optional animation frames. Build it with <see cref="Chart"/>,
/// style it with the fluent <c>With…</c> methods (they change this figure and return it), then show it
/// in a notebook (it has <see cref="ToMimeBundle"/>), save it (<see cref="SaveHtml"/>) or take its JSON (<see cref="ToJson"/>).
/// </summary>
public sealed partial class Figure
{
    /// <summary>A figure holding <paramref name="traces"/>.</summary>
    public Figure(params IEnumerable<Trace> traces)
    {
        Traces.AddRange(traces);
    }

    /// <summary>The traces, drawn in order.</summary>
    public List<Trace> Traces { get; } = [];

    /// <summary>The layout.</summary>
    public Layout Layout { get; private set; } = new();

    /// <summary>plotly.js config options (plotly <c>config</c>: <c>responsive</c>, <c>displaylogo</c>, …).</summary>
    public JsonObject Config { get; } = new() { ["responsive"] = true, ["displaylogo"] = false };

    /// <summary>Adds a trace; returns this figure.</summary>
    public Figure Add(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        Traces.Add(trace);
        return this;
    }

    /// <summary>Sets the figure title.</summary>
    public Figure WithTitle(string title)
    {
        Layout.Title = title;
        return this;
    }

    /// <summary>Sets the size in pixels.</summary>
    public Figure WithSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 10);
        Layout.Width = width;
        Layout.Height = height;
        return this;
    }

    /// <summary>Shows or hides the legend.</summary>
    public Figure WithLegend(bool show)
    {
        Layout.ShowLegend = show;
        return this;
    }

    /// <summary>Changes the layout with <paramref name="configure"/>.</summary>
    public Figure WithLayout(Action<Layout> configure)
    {
        configure(Layout);
        return this;
    }

    /// <summary>Merges <paramref name="layout"/> into this figure's layout (its settings win).</summary>
    public Figure WithLayout(Layout layout)
    {
        Layout.MergeFrom(layout);
        return this;
    }

    /// <summary>Changes x axis <paramref name="index"/> (1 is the first) with <paramref name="configure"/>.</summary>
    public Figure WithXAxis(Action<Axis> configure, int index = 1)
    {
        configure(Layout.XAxis(index));
        return this;
    }

    /// <summary>Changes y axis <paramref name="index"/> (1 is the first) with <paramref name="configure"/>.</summary>
    public Figure WithYAxis(Action<Axis> configure, int index = 1)
    {
        configure(Layout.YAxis(index));
        return this;
    }

    /// <summary>Styles x axis <paramref name="index"/>: title, range, scale type, grid (null leaves a setting as it is).</summary>
    public Figure WithXAxisStyle(string? title = null, double? min = null, double? max = null, AxisType? type = null, bool? showGrid = null, int index = 1) =>
        WithXAxis(a => Style(a, title, min, max, type, showGrid), index);

    /// <summary>Styles y axis <paramref name="index"/>: title, range, scale type, grid (null leaves a setting as it is).</summary>
    public Figure WithYAxisStyle(string? title = null, double? min = null, double? max = null, AxisType? type = null, bool? showGrid = null, int index = 1) =>
        WithYAxis(a => Style(a, title, min, max, type, showGrid), index);

    /// <summary>
    /// Makes one unit on y as long as one unit on x in every subplot (y axis k gets <c>scaleanchor = "xk"</c>,
    /// <c>scaleratio = 1</c>): circles look round, images keep their aspect.
    /// </summary>
    public Figure WithEqualAxes()
    {
        foreach (int k in AxisIndicesInUse())
        {
            var y = Layout.YAxis(k);
            y.ScaleAnchor = Layout.AxisId('x', k);
            y.ScaleRatio = 1;
        }
        return this;
    }

    /// <summary>Sets a plotly.js config option (e.g. <c>WithConfig("staticPlot", true)</c>).</summary>
    public Figure WithConfig(string key, object? value)
    {
        Config[key] = PlotJson.From(value);
        return this;
    }

    /// <summary>The figure as a plotly JSON object: <c>{"data": [...], "layout": {...}, "frames": [...]}</c>.</summary>
    public JsonObject ToJsonNode()
    {
        var o = new JsonObject
        {
            ["data"] = new JsonArray(Traces.Select(t => (JsonNode?)t.ToJson()).ToArray()),
            ["layout"] = Layout.ToJson(),
        };
        if (Frames.Count > 0)
        {
            o["frames"] = new JsonArray(Frames.Select(f => (JsonNode?)f.ToJson()).ToArray());
        }
        return o;
    }

    /// <summary>The figure as plotly JSON text (what <c>Plotly.newPlot(div, figure)</c> takes).</summary>
    public string ToJson(bool indented = false) =>
        ToJsonNode().ToJsonString(indented ? new JsonSerializerOptions { WriteIndented = true } : PlotJson.Compact);

    /// <summary>A one-line summary, e.g. <c>Figure "loss": 2 traces (scatter, scatter)</c>.</summary>
    public override string ToString()
    {
        var title = Layout.Title is null ? "" : $" \"{Layout.Title}\"";
        var kinds = string.Join(", ", Traces.Select(t => t.Type).Distinct());
        var frames = Frames.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $", {Frames.Count} frames") : "";
        var grid = GridRows > 0 ? string.Create(CultureInfo.InvariantCulture, $", {GridRows}x{GridCols} subplots") : "";
        return string.Create(CultureInfo.InvariantCulture, $"Figure{title}: {Traces.Count} trace{(Traces.Count == 1 ? "" : "s")} ({kinds}){grid}{frames}");
    }

    /// <summary>The axis numbers that traces use (at least 1).</summary>
    internal IEnumerable<int> AxisIndicesInUse()
    {
        var set = new SortedSet<int> { 1 };
        foreach (var t in Traces)
        {
            set.Add(Layout.AxisIndex(t.YAxis));
        }
        foreach (var i in Layout.YAxisIndices)
        {
            set.Add(i);
        }
        return set;
    }

    private static void Style(Axis a, string? title, double? min, double? max, AxisType? type, bool? showGrid)
    {
        a.Title = title ?? a.Title;
        if (min is not null || max is not null)
        {
            if (min is null || max is null)
            {
                throw new ArgumentException("give both min and max to set an axis range");
            }
            a.Range = (min.Value, max.Value);
        }
        a.Type = type ?? a.Type;
        a.ShowGrid = showGrid ?? a.ShowGrid;
    }
}
