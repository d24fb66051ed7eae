using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

/// <summary>
/// One plotly trace (a line, a heatmap, …). Typed properties cover the common attributes;
/// <see cref="Set"/> reaches any other plotly attribute by its dotted path.
/// </summary>
public abstract class Trace
{
    private JsonObject _extra = new();

    /// <summary>The plotly trace type (<c>"scatter"</c>, <c>"heatmap"</c>, …).</summary>
    public abstract string Type { get; }

    /// <summary>The legend entry.</summary>
    public string? Name { get; set; }

    /// <summary>Whether the trace appears in the legend (plotly decides when null).</summary>
    public bool? ShowLegend { get; set; }

    /// <summary>Opacity in [0, 1].</summary>
    public double? Opacity { get; set; }

    /// <summary>The x axis this trace uses: <c>"x"</c>, <c>"x2"</c>, … (subplots set it).</summary>
    public string XAxis { get; set; } = "x";

    /// <summary>The y axis this trace uses: <c>"y"</c>, <c>"y2"</c>, … (subplots set it).</summary>
    public string YAxis { get; set; } = "y";

    /// <summary>Sets any plotly attribute by dotted path, e.g. <c>Set("marker.line.width", 2)</c>; returns this trace.</summary>
    public Trace Set(string path, object? value)
    {
        PlotJson.SetPath(_extra, path, value);
        return this;
    }

    /// <summary>True when this trace shows an image-like grid of values (heatmap, image).</summary>
    public virtual bool IsImageLike => false;

    /// <summary>A copy of this trace (frames and subplots copy traces before re-targeting axes).</summary>
    public Trace Clone()
    {
        var copy = (Trace)MemberwiseClone();
        copy._extra = (JsonObject)_extra.DeepClone();
        return copy;
    }

    /// <summary>The trace as plotly JSON.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["type"] = Type };
        if (Name is not null)
        {
            o["name"] = Name;
        }
        if (ShowLegend is bool show)
        {
            o["showlegend"] = show;
        }
        if (Opacity is double op)
        {
            o["opacity"] = PlotJson.Number(op);
        }
        if (XAxis != "x")
        {
            o["xaxis"] = XAxis;
        }
        if (YAxis != "y")
        {
            o["yaxis"] = YAxis;
        }
        WriteProperties(o);
        PlotJson.Merge(o, _extra);
        return o;
    }

    /// <summary>Writes the type-specific attributes.</summary>
    protected abstract void WriteProperties(JsonObject o);

    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/> when it is not null.</summary>
    protected static void Put(JsonObject o, string key, object? value)
    {
        if (value is not null)
        {
            PlotJson.SetPath(o, key, value);
        }
    }
}
