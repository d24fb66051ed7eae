using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

/// <summary>A heatmap: a grid of values coloured through a <see cref="Colorscale"/> (plotly <c>heatmap</c>).</summary>
/// <remarks>Row 0 of <see cref="Z"/> is drawn at the bottom unless the y axis is reversed (as plotly does).</remarks>
public sealed class HeatmapTrace : Trace
{
    /// <summary>A heatmap of <paramref name="z"/> (<c>z[row][col]</c>; rows of equal length).</summary>
    public HeatmapTrace(double[][] z)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.Length == 0 || z[0].Length == 0)
        {
            throw new ArgumentException("a heatmap needs at least one row and one column", nameof(z));
        }
        for (int r = 1; r < z.Length; r++)
        {
            if (z[r].Length != z[0].Length)
            {
                throw new ArgumentException($"row {r} has {z[r].Length} values but row 0 has {z[0].Length}; rows must have equal length", nameof(z));
            }
        }
        Z = z;
    }

    /// <inheritdoc/>
    public override string Type => "heatmap";

    /// <inheritdoc/>
    public override bool IsImageLike => true;

    /// <summary>The values, <c>Z[row][col]</c>.</summary>
    public double[][] Z { get; }

    /// <summary>Column coordinates (null: 0, 1, …).</summary>
    public Values? X { get; set; }

    /// <summary>Row coordinates (null: 0, 1, …).</summary>
    public Values? Y { get; set; }

    /// <summary>The colour scale.</summary>
    public Colorscale Colorscale { get; set; } = Colorscale.Viridis;

    /// <summary>Reverse the colour scale.</summary>
    public bool ReverseScale { get; set; }

    /// <summary>The value mapped to the bottom of the scale (null: the data minimum).</summary>
    public double? ZMin { get; set; }

    /// <summary>The value mapped to the top of the scale (null: the data maximum).</summary>
    public double? ZMax { get; set; }

    /// <summary>Show the colour bar.</summary>
    public bool ShowScale { get; set; } = true;

    /// <summary>The data range the colours span: (<see cref="ZMin"/> ?? min, <see cref="ZMax"/> ?? max) over finite values.</summary>
    public (double Min, double Max) ColorRange()
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var row in Z)
        {
            foreach (var v in row)
            {
                if (double.IsFinite(v))
                {
                    lo = Math.Min(lo, v);
                    hi = Math.Max(hi, v);
                }
            }
        }
        if (!double.IsFinite(lo))
        {
            lo = 0;
            hi = 1;
        }
        return (ZMin ?? lo, ZMax ?? hi);
    }

    /// <inheritdoc/>
    protected override void WriteProperties(JsonObject o)
    {
        var rows = new JsonArray();
        foreach (var row in Z)
        {
            rows.Add(PlotJson.Numbers(row));
        }
        o["z"] = rows;
        Put(o, "x", X);
        Put(o, "y", Y);
        o["colorscale"] = PlotNames.Of(Colorscale);
        if (ReverseScale)
        {
            o["reversescale"] = true;
        }
        Put(o, "zmin", ZMin);
        Put(o, "zmax", ZMax);
        o["showscale"] = ShowScale;
    }
}
