namespace Diffusion.Plotting;

/// <summary>How a scatter trace draws its points (plotly's <c>mode</c>).</summary>
public enum Mode
{
    /// <summary>Connected lines.</summary>
    [PlotName("lines")] Lines,
    /// <summary>Markers only.</summary>
    [PlotName("markers")] Markers,
    /// <summary>Lines and markers.</summary>
    [PlotName("lines+markers")] LinesMarkers,
    /// <summary>Text labels only.</summary>
    [PlotName("text")] Text,
    /// <summary>Markers with text labels.</summary>
    [PlotName("markers+text")] MarkersText,
}

/// <summary>An axis scale (plotly's <c>axis.type</c>).</summary>
public enum AxisType
{
    /// <summary>Let plotly guess from the data.</summary>
    [PlotName("-")] Auto,
    /// <summary>Linear.</summary>
    Linear,
    /// <summary>Logarithmic (base 10).</summary>
    Log,
    /// <summary>Categories (strings).</summary>
    Category,
    /// <summary>Dates.</summary>
    Date,
}

/// <summary>Line dash styles.</summary>
public enum Dash
{
    /// <summary>Solid.</summary>
    Solid,
    /// <summary>Dotted.</summary>
    Dot,
    /// <summary>Dashed.</summary>
    Dash,
    /// <summary>Long dashes.</summary>
    LongDash,
    /// <summary>Dash-dot.</summary>
    DashDot,
}

/// <summary>Bar orientation.</summary>
public enum Orientation
{
    /// <summary>Vertical bars (x categories, y heights).</summary>
    [PlotName("v")] Vertical,
    /// <summary>Horizontal bars.</summary>
    [PlotName("h")] Horizontal,
}

/// <summary>How a histogram normalises its counts (plotly's <c>histnorm</c>).</summary>
public enum HistNorm
{
    /// <summary>Raw counts.</summary>
    [PlotName("")] Count,
    /// <summary>Percent of all samples.</summary>
    Percent,
    /// <summary>Fraction of all samples.</summary>
    Probability,
    /// <summary>Counts divided by bin width.</summary>
    Density,
    /// <summary>A probability density (integrates to 1).</summary>
    [PlotName("probability density")] ProbabilityDensity,
}

/// <summary>How several bar or histogram traces share a position.</summary>
public enum BarMode
{
    /// <summary>Side by side.</summary>
    Group,
    /// <summary>On top of each other, semi-transparent.</summary>
    Overlay,
    /// <summary>Stacked.</summary>
    Stack,
    /// <summary>Stacked, as fractions.</summary>
    Relative,
}
