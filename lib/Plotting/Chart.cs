using Diffusion.IO;
using Diffusion.Tensors;

namespace Diffusion.Plotting;

/// <summary>
/// Figure factories named as in Plotly.NET: <c>Chart.Line(x, y)</c>, <c>Chart.Scatter</c>, <c>Chart.Heatmap</c>,
/// <c>Chart.Image</c>, <c>Chart.Bar</c>, <c>Chart.Histogram</c>, <c>Chart.Grid</c>, <c>Chart.Combine</c>.
/// Each returns a <see cref="Figure"/> to style further with its <c>With…</c> methods.
/// </summary>
public static class Chart
{
    /// <summary>A line through (x[i], y[i]).</summary>
    public static Figure Line(Values x, Values y, string? name = null, string? color = null, Dash? dash = null, double? width = null, bool markers = false) =>
        new(new ScatterTrace(x, y) { Name = name, Mode = markers ? Mode.LinesMarkers : Mode.Lines, Color = color, Dash = dash, LineWidth = width });

    /// <summary>A line through y[i] at x = 0, 1, 2, … (a loss curve).</summary>
    public static Figure Line(Values y, string? name = null, string? color = null, Dash? dash = null, double? width = null, bool markers = false) =>
        new(new ScatterTrace(null, y) { Name = name, Mode = markers ? Mode.LinesMarkers : Mode.Lines, Color = color, Dash = dash, LineWidth = width });

    /// <summary>Points (or lines, by <paramref name="mode"/>) at (x[i], y[i]); <paramref name="webGL"/> for many thousands of points.</summary>
    public static Figure Scatter(Values x, Values y, Mode mode = Mode.Markers, string? name = null, string? color = null, double? size = null, bool webGL = false) =>
        new(new ScatterTrace(x, y) { Name = name, Mode = mode, Color = color, MarkerSize = size, WebGL = webGL });

    /// <summary>Points at (x[i], y[i]) (Plotly.NET's <c>Chart.Point</c>).</summary>
    public static Figure Point(Values x, Values y, string? name = null, string? color = null, double? size = null) =>
        Scatter(x, y, Mode.Markers, name, color, size);

    /// <summary>Points coloured by <paramref name="colors"/> through <paramref name="colorscale"/> (e.g. 2-D samples coloured by class).</summary>
    public static Figure Scatter(Values x, Values y, Values colors, Colorscale colorscale = Colorscale.Viridis, string? name = null, double? size = null) =>
        new(new ScatterTrace(x, y) { Name = name, Mode = Mode.Markers, MarkerColors = colors, MarkerColorscale = colorscale, MarkerSize = size });

    /// <summary>
    /// A heatmap of <paramref name="z"/> (<c>z[row][col]</c>). <paramref name="asImage"/> puts row 0 at the top and
    /// makes cells square, as for pictures.
    /// </summary>
    public static Figure Heatmap(double[][] z, Values? x = null, Values? y = null, Colorscale colorscale = Colorscale.Viridis,
        double? zmin = null, double? zmax = null, bool showScale = true, string? name = null, bool asImage = false, bool reverseScale = false)
    {
        var fig = new Figure(new HeatmapTrace(z) { X = x, Y = y, Colorscale = colorscale, ZMin = zmin, ZMax = zmax, ShowScale = showScale, Name = name, ReverseScale = reverseScale });
        if (asImage)
        {
            fig.Layout.YAxis().Reversed = true;
            fig.WithEqualAxes();
        }
        return fig;
    }

    /// <summary>A heatmap of a 2-D array <c>z[row, col]</c>.</summary>
    public static Figure Heatmap(double[,] z, Values? x = null, Values? y = null, Colorscale colorscale = Colorscale.Viridis,
        double? zmin = null, double? zmax = null, bool showScale = true, string? name = null, bool asImage = false, bool reverseScale = false) =>
        Heatmap(Rows(z), x, y, colorscale, zmin, zmax, showScale, name, asImage, reverseScale);

    /// <summary>A heatmap of a 2-D tensor <c>[rows, cols]</c>.</summary>
    public static Figure Heatmap(Tensor z, Values? x = null, Values? y = null, Colorscale colorscale = Colorscale.Viridis,
        double? zmin = null, double? zmax = null, bool showScale = true, string? name = null, bool asImage = false, bool reverseScale = false) =>
        Heatmap(TensorData.ToRows(z), x, y, colorscale, zmin, zmax, showScale, name, asImage, reverseScale);

    /// <summary>An image from a <c>data:image/png;base64,…</c> URI.</summary>
    public static Figure Image(string pngDataUri, string? name = null) =>
        new(WithName(ImageTrace.FromDataUri(pngDataUri), name));

    /// <summary>An image from PNG bytes.</summary>
    public static Figure Image(byte[] png, string? name = null) => new(WithName(new ImageTrace(png), name));

    /// <summary>An image from RGB pixels <c>rgb[row, col, channel]</c>.</summary>
    public static Figure Image(byte[,,] rgb, string? name = null) => new(WithName(new ImageTrace(rgb), name));

    /// <summary>
    /// An image from a tensor <c>[H, W]</c>, <c>[1, H, W]</c> or <c>[3, H, W]</c>, mapping <paramref name="range"/>
    /// (default (−1, 1), the range diffusion models use) to 0…255.
    /// </summary>
    public static Figure Image(Tensor image, (double Min, double Max)? range = null, string? name = null) =>
        new(WithName(new ImageTrace(Png.Encode(ImageIO.ToImage(image, range ?? (-1, 1)))), name));

    /// <summary>Bars at <paramref name="x"/> (numbers or labels) with heights <paramref name="y"/>.</summary>
    public static Figure Bar(Values x, Values y, string? name = null, string? color = null, Orientation orientation = Orientation.Vertical) =>
        new(new BarTrace(orientation == Orientation.Vertical ? x : y, orientation == Orientation.Vertical ? y : x) { Name = name, Color = color, Orientation = orientation });

    /// <summary>A histogram of <paramref name="x"/> (plotly bins it; <paramref name="bins"/> caps the bin count).</summary>
    public static Figure Histogram(Values x, int? bins = null, HistNorm norm = HistNorm.Count, string? name = null, string? color = null) =>
        new(new HistogramTrace(x) { NBins = bins, Norm = norm, Name = name, Color = color });

    /// <summary>Overlays figures: all traces on one set of axes; layouts merge, later ones winning.</summary>
    public static Figure Combine(params IEnumerable<Figure> figures)
    {
        var result = new Figure();
        foreach (var f in figures)
        {
            result.Traces.AddRange(f.Traces.Select(t => t.Clone()));
            result.Layout.MergeFrom(f.Layout);
            result.Frames.AddRange(f.Frames);
        }
        return result;
    }

    /// <summary>
    /// Lays figures out in a grid of subplots, row-major (cell i holds figure i). Figure titles become subplot
    /// titles unless <paramref name="titles"/> is given; <paramref name="sharedX"/>/<paramref name="sharedY"/> link axes.
    /// </summary>
    public static Figure Grid(IEnumerable<Figure> figures, int rows, int cols, bool sharedX = false, bool sharedY = false, IReadOnlyList<string?>? titles = null) =>
        Figure.GridOf(figures.ToList(), rows, cols, sharedX, sharedY, titles);

    /// <summary>A grid with as many columns as needed to hold the figures in <paramref name="rows"/> rows.</summary>
    public static Figure Grid(IEnumerable<Figure> figures, int rows = 1)
    {
        var list = figures.ToList();
        return Figure.GridOf(list, rows, Math.Max(1, (list.Count + rows - 1) / rows), false, false, null);
    }

    private static ImageTrace WithName(ImageTrace t, string? name)
    {
        t.Name = name;
        return t;
    }

    private static double[][] Rows(double[,] z)
    {
        var rows = new double[z.GetLength(0)][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new double[z.GetLength(1)];
            for (int c = 0; c < rows[r].Length; c++)
            {
                rows[r][c] = z[r, c];
            }
        }
        return rows;
    }
}
