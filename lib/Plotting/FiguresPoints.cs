using Plotly.NET;
using Plotly.NET.CSharp;
using Plotly.NET.TraceObjects;
using CSharpChart = Plotly.NET.CSharp.Chart;
using static TorchSharp.torch;

namespace Diffusion.Plotting;

public static partial class Figures
{
    /// <summary>A 2-D point cloud <c>[N, 2]</c> (a Swiss roll, samples, chain states) as small markers.</summary>
    /// <param name="points">[N, 2] points on any device.</param>
    /// <param name="name">The legend name.</param>
    /// <param name="size">Marker diameter in pixels.</param>
    /// <param name="color">A CSS colour ("lightgray", "#1f77b4"), or null for the next colour of the palette.</param>
    /// <param name="webGL">Draw with WebGL (fast for tens of thousands of points).</param>
    public static GenericChart Points(Tensor points, string? name = null, int size = 3, string? color = null, bool webGL = false)
    {
        var (x, y) = TensorValues.Columns(points, nameof(points));
        return Points(x, y, name, size, color, webGL);
    }

    /// <summary>Points at (x[i], y[i]) as small markers; see <see cref="Points(Tensor, string?, int, string?, bool)"/>.</summary>
    public static GenericChart Points(IReadOnlyList<double> x, IReadOnlyList<double> y, string? name = null, int size = 3, string? color = null, bool webGL = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        SameLength(x.Count, y.Count, "points");
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var marker = new Marker();
        marker.SetProperty("size", size);
        if (color is not null)
        {
            marker.SetProperty("color", Color.fromString(color));
        }
        return CSharpChart.Point<double, double, string>(x, y, Name: OptionalOf(name), Marker: marker, UseWebGL: webGL);
    }

    /// <summary>
    /// Point clouds side by side, one panel each with its title, all on the same equal axes [−limit, limit]² (so the panels
    /// compare at a glance) and without a legend (the titles name them).
    /// </summary>
    /// <param name="panels">The title and the points [N, 2] of each panel, left to right.</param>
    /// <param name="limit">Both axes of every panel span [−limit, limit].</param>
    /// <param name="size">Marker diameter in pixels.</param>
    /// <param name="panelSize">Width and height of one panel in pixels.</param>
    public static GenericChart PointPanels(IReadOnlyList<(string Title, Tensor Points)> panels, double limit, int size = 2, int panelSize = 300)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0)
        {
            throw new ArgumentException("give at least one panel", nameof(panels));
        }
        if (!(limit > 0) || !double.IsFinite(limit))
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "the axis limit must be positive and finite");
        }
        var charts = panels.Select(p => Points(p.Points, p.Title, size, "#1f77b4")).ToArray();
        var grid = CSharpChart.Grid(charts, nRows: 1, nCols: panels.Count, SubPlotTitles: panels.Select(p => p.Title).ToArray());
        var layout = new Layout();
        layout.SetProperty("showlegend", false);
        for (int k = 1; k <= panels.Count; k++)
        {
            string suffix = k == 1 ? "" : k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var x = ChartStyle.Axis("range", new[] { -limit, limit });
            var y = ChartStyle.Axis("range", new[] { -limit, limit });
            y.SetProperty("scaleanchor", "x" + suffix);
            y.SetProperty("scaleratio", 1);
            layout.SetProperty("xaxis" + suffix, x);
            layout.SetProperty("yaxis" + suffix, y);
        }
        return Plotly.NET.Chart.withLayout(layout).Invoke(grid).WithSize(panelSize * panels.Count + 80, panelSize + 90);
    }

    /// <summary>A Plotly.NET.CSharp option that is unset for null.</summary>
    private static Optional<T> OptionalOf<T>(T? value) where T : class => value is null ? default : new Optional<T>(value, true);

    /// <summary>A Plotly.NET colour option that is unset for null.</summary>
    private static Optional<Color> ColorOf(string? color) => color is null ? default : new Optional<Color>(Color.fromString(color), true);

    private static void SameLength(int x, int y, string what)
    {
        if (x != y)
        {
            throw new ArgumentException($"{what}: x has {x} values but y has {y}; give one x per y");
        }
    }
}
