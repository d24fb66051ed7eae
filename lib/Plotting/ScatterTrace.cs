using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

/// <summary>A scatter trace: points, lines or both (plotly <c>scatter</c>; <c>scattergl</c> when <see cref="WebGL"/>).</summary>
public sealed class ScatterTrace : Trace
{
    /// <summary>A scatter trace over <paramref name="x"/> and <paramref name="y"/>.</summary>
    public ScatterTrace(Values? x, Values y)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (x is not null && x.Count != y.Count)
        {
            throw new ArgumentException($"x has {x.Count} values but y has {y.Count}; they must have the same length", nameof(x));
        }
        X = x;
        Y = y;
    }

    /// <inheritdoc/>
    public override string Type => WebGL ? "scattergl" : "scatter";

    /// <summary>The x values (null: 0, 1, 2, …).</summary>
    public Values? X { get; }

    /// <summary>The y values.</summary>
    public Values Y { get; }

    /// <summary>Lines, markers or both.</summary>
    public Mode Mode { get; set; } = Mode.Lines;

    /// <summary>Draw with WebGL (faster for many thousands of points).</summary>
    public bool WebGL { get; set; }

    /// <summary>Line and marker colour (any CSS colour).</summary>
    public string? Color { get; set; }

    /// <summary>Line width in pixels.</summary>
    public double? LineWidth { get; set; }

    /// <summary>Line dash style.</summary>
    public Dash? Dash { get; set; }

    /// <summary>Marker size in pixels.</summary>
    public double? MarkerSize { get; set; }

    /// <summary>Per-point marker colours as numbers mapped through <see cref="MarkerColorscale"/>.</summary>
    public Values? MarkerColors { get; set; }

    /// <summary>The colour scale for <see cref="MarkerColors"/>.</summary>
    public Colorscale? MarkerColorscale { get; set; }

    /// <summary>Hover/label text per point.</summary>
    public Values? Text { get; set; }

    /// <inheritdoc/>
    protected override void WriteProperties(JsonObject o)
    {
        if (X is not null)
        {
            o["x"] = X.ToJson();
        }
        o["y"] = Y.ToJson();
        o["mode"] = PlotNames.Of(Mode);
        Put(o, "line.color", Color);
        Put(o, "line.width", LineWidth);
        Put(o, "line.dash", Dash);
        if (Mode != Mode.Lines)
        {
            Put(o, "marker.color", MarkerColors is null ? Color : MarkerColors);
        }
        Put(o, "marker.size", MarkerSize);
        Put(o, "marker.colorscale", MarkerColorscale);
        Put(o, "text", Text);
    }
}
