using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

/// <summary>One x or y axis of a figure (plotly <c>layout.xaxis</c>, <c>layout.yaxis2</c>, …).</summary>
public sealed class Axis
{
    private JsonObject _extra = new();

    /// <summary>The axis title.</summary>
    public string? Title { get; set; }

    /// <summary>The visible range (null: automatic).</summary>
    public (double Min, double Max)? Range { get; set; }

    /// <summary>Linear, log, category…</summary>
    public AxisType? Type { get; set; }

    /// <summary>Draw grid lines.</summary>
    public bool? ShowGrid { get; set; }

    /// <summary>Draw tick labels.</summary>
    public bool? ShowTickLabels { get; set; }

    /// <summary>Draw the zero line.</summary>
    public bool? ZeroLine { get; set; }

    /// <summary>Show the axis at all.</summary>
    public bool? Visible { get; set; }

    /// <summary>Draw from max to min (images put row 0 at the top).</summary>
    public bool Reversed { get; set; }

    /// <summary>Ties this axis's scale to another axis (<c>"x"</c>, <c>"x2"</c>…), for equal aspect ratios.</summary>
    public string? ScaleAnchor { get; set; }

    /// <summary>Units of this axis per unit of the <see cref="ScaleAnchor"/> axis (1: equal).</summary>
    public double? ScaleRatio { get; set; }

    /// <summary>Shares the range with another axis (<c>"x"</c>, <c>"y2"</c>…): zooming one zooms both.</summary>
    public string? Matches { get; set; }

    /// <summary>The axis this one is drawn against (<c>"y2"</c> for <c>xaxis2</c>).</summary>
    public string? Anchor { get; set; }

    /// <summary>The fraction of the figure the axis spans, in [0, 1].</summary>
    public (double From, double To)? Domain { get; set; }

    /// <summary>A d3 format for tick labels, e.g. <c>".2f"</c>.</summary>
    public string? TickFormat { get; set; }

    /// <summary>Sets any plotly axis attribute by dotted path; returns this axis.</summary>
    public Axis Set(string path, object? value)
    {
        PlotJson.SetPath(_extra, path, value);
        return this;
    }

    /// <summary>A copy.</summary>
    public Axis Clone()
    {
        var copy = (Axis)MemberwiseClone();
        copy._extra = (JsonObject)_extra.DeepClone();
        return copy;
    }

    /// <summary>The axis as plotly JSON.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        if (Title is not null)
        {
            o["title"] = new JsonObject { ["text"] = Title };
        }
        if (Range is (double min, double max))
        {
            o["range"] = new JsonArray(PlotJson.Number(min), PlotJson.Number(max));
        }
        if (Type is AxisType t)
        {
            o["type"] = PlotNames.Of(t);
        }
        Put(o, "showgrid", ShowGrid);
        Put(o, "showticklabels", ShowTickLabels);
        Put(o, "zeroline", ZeroLine);
        Put(o, "visible", Visible);
        if (Reversed)
        {
            o["autorange"] = "reversed";
        }
        Put(o, "scaleanchor", ScaleAnchor);
        Put(o, "scaleratio", ScaleRatio);
        Put(o, "matches", Matches);
        Put(o, "anchor", Anchor);
        if (Domain is (double from, double to))
        {
            o["domain"] = new JsonArray(PlotJson.Number(from), PlotJson.Number(to));
        }
        Put(o, "tickformat", TickFormat);
        PlotJson.Merge(o, _extra);
        return o;
    }

    private static void Put(JsonObject o, string key, object? value)
    {
        if (value is not null)
        {
            o[key] = PlotJson.From(value);
        }
    }
}
