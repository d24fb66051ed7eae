using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

/// <summary>A histogram of samples, binned by plotly.js (plotly <c>histogram</c>).</summary>
public sealed class HistogramTrace : Trace
{
    /// <summary>A histogram of <paramref name="x"/>.</summary>
    public HistogramTrace(Values x)
    {
        ArgumentNullException.ThrowIfNull(x);
        X = x;
    }

    /// <inheritdoc/>
    public override string Type => "histogram";

    /// <summary>The samples.</summary>
    public Values X { get; }

    /// <summary>The maximum number of bins (null: plotly chooses).</summary>
    public int? NBins { get; set; }

    /// <summary>How counts are normalised.</summary>
    public HistNorm Norm { get; set; } = HistNorm.Count;

    /// <summary>Bar colour (any CSS colour).</summary>
    public string? Color { get; set; }

    /// <inheritdoc/>
    protected override void WriteProperties(JsonObject o)
    {
        o["x"] = X.ToJson();
        Put(o, "nbinsx", NBins);
        if (Norm != HistNorm.Count)
        {
            o["histnorm"] = PlotNames.Of(Norm);
        }
        Put(o, "marker.color", Color);
    }
}
