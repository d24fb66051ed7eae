using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

/// <summary>
/// One animation frame: new data for some traces (by default the first <c>Data.Count</c> traces, in order)
/// and optionally layout changes. plotly.js merges a frame into the figure when it plays.
/// </summary>
public sealed class Frame
{
    /// <summary>A frame named <paramref name="name"/> (the slider label) replacing traces with <paramref name="data"/>.</summary>
    public Frame(string name, params IEnumerable<Trace> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Data.AddRange(data);
    }

    /// <summary>The frame name, shown on the slider.</summary>
    public string Name { get; }

    /// <summary>The replacement traces.</summary>
    public List<Trace> Data { get; } = [];

    /// <summary>Which figure traces <see cref="Data"/> replaces (null: 0, 1, … in order).</summary>
    public int[]? TraceIndices { get; set; }

    /// <summary>Layout changes for this frame (e.g. a title naming the step), or null.</summary>
    public Layout? Layout { get; set; }

    /// <summary>The frame as plotly JSON.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["name"] = Name,
            ["data"] = new JsonArray(Data.Select(t => (JsonNode?)t.ToJson()).ToArray()),
        };
        if (TraceIndices is not null)
        {
            o["traces"] = new JsonArray(TraceIndices.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
        }
        if (Layout is not null)
        {
            o["layout"] = Layout.ToJson();
        }
        return o;
    }
}
