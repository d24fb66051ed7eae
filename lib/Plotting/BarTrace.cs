using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

/// <summary>A bar chart (plotly <c>bar</c>).</summary>
public sealed class BarTrace : Trace
{
    /// <summary>Bars at <paramref name="x"/> (numbers or category labels) with heights <paramref name="y"/>.</summary>
    public BarTrace(Values x, Values y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"x has {x.Count} values but y has {y.Count}; they must have the same length", nameof(x));
        }
        X = x;
        Y = y;
    }

    /// <inheritdoc/>
    public override string Type => "bar";

    /// <summary>Positions (vertical bars) or lengths (horizontal bars).</summary>
    public Values X { get; }

    /// <summary>Heights (vertical bars) or positions (horizontal bars).</summary>
    public Values Y { get; }

    /// <summary>Vertical or horizontal.</summary>
    public Orientation Orientation { get; set; } = Orientation.Vertical;

    /// <summary>Bar colour (any CSS colour).</summary>
    public string? Color { get; set; }

    /// <inheritdoc/>
    protected override void WriteProperties(JsonObject o)
    {
        o["x"] = X.ToJson();
        o["y"] = Y.ToJson();
        if (Orientation != Orientation.Vertical)
        {
            o["orientation"] = PlotNames.Of(Orientation);
        }
        Put(o, "marker.color", Color);
    }
}
