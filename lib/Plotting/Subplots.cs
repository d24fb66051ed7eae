using System.Text.Json.Nodes;

namespace Diffusion.Plotting;

public sealed partial class Figure
{
    /// <summary>Rows of the subplot grid (0 when the figure has no grid).</summary>
    public int GridRows { get; private set; }

    /// <summary>Columns of the subplot grid (0 when the figure has no grid).</summary>
    public int GridCols { get; private set; }

    /// <summary>
    /// An empty figure with a <paramref name="rows"/> × <paramref name="cols"/> grid of subplots; fill it with
    /// <see cref="Add(Trace, int, int)"/>. Cell (row, col), both from 1, row 1 at the top, uses axes number
    /// <c>(row−1)·cols + col</c> (<c>x</c>/<c>y</c>, <c>x2</c>/<c>y2</c>, …).
    /// </summary>
    /// <param name="rows">Rows of subplots.</param>
    /// <param name="cols">Columns of subplots.</param>
    /// <param name="sharedX">Columns share their x range (zoom together); only the bottom row shows x tick labels.</param>
    /// <param name="sharedY">Rows share their y range; only the first column shows y tick labels.</param>
    /// <param name="titles">Optional titles, row-major, one per cell (null or empty entries skip a cell).</param>
    /// <param name="horizontalSpacing">Gap between columns as a fraction of the figure width (default 0.2 / cols, as plotly's make_subplots).</param>
    /// <param name="verticalSpacing">Gap between rows as a fraction of the figure height (default 0.3 / rows).</param>
    public static Figure Subplots(int rows, int cols, bool sharedX = false, bool sharedY = false, IReadOnlyList<string?>? titles = null,
        double? horizontalSpacing = null, double? verticalSpacing = null)
    {
        double hs = horizontalSpacing ?? 0.2 / cols, vs = verticalSpacing ?? 0.3 / rows;
        return BuildGrid(rows, cols, sharedX, sharedY, titles, hs, vs);
    }

    private static Figure BuildGrid(int rows, int cols, bool sharedX, bool sharedY, IReadOnlyList<string?>? titles, double horizontalSpacing, double verticalSpacing)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        if (horizontalSpacing < 0 || horizontalSpacing * (cols - 1) >= 1 || verticalSpacing < 0 || verticalSpacing * (rows - 1) >= 1)
        {
            throw new ArgumentException($"spacing {horizontalSpacing}, {verticalSpacing} leaves no room for {rows}x{cols} subplots");
        }
        if (titles is not null && titles.Count > rows * cols)
        {
            throw new ArgumentException($"{titles.Count} titles for {rows * cols} subplots", nameof(titles));
        }
        var fig = new Figure { GridRows = rows, GridCols = cols };
        double w = (1 - (horizontalSpacing * (cols - 1))) / cols;
        double h = (1 - (verticalSpacing * (rows - 1))) / rows;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                int k = (r * cols) + c + 1;
                double x0 = c * (w + horizontalSpacing), y1 = 1 - (r * (h + verticalSpacing));
                var x = fig.Layout.XAxis(k);
                var y = fig.Layout.YAxis(k);
                x.Domain = (Round(x0), Round(x0 + w));
                y.Domain = (Round(y1 - h), Round(y1));
                x.Anchor = Layout.AxisId('y', k);
                y.Anchor = Layout.AxisId('x', k);
                if (sharedX)
                {
                    int bottom = ((rows - 1) * cols) + c + 1;
                    if (k != bottom)
                    {
                        x.Matches = Layout.AxisId('x', bottom);
                        x.ShowTickLabels = false;
                    }
                }
                if (sharedY)
                {
                    int first = (r * cols) + 1;
                    if (k != first)
                    {
                        y.Matches = Layout.AxisId('y', first);
                        y.ShowTickLabels = false;
                    }
                }
                var title = titles is not null && k - 1 < titles.Count ? titles[k - 1] : null;
                if (!string.IsNullOrEmpty(title))
                {
                    fig.Layout.Annotations.Add(SubplotTitle(title, Round(x0 + (w / 2)), Round(y1)));
                }
            }
        }
        return fig;
    }

    /// <summary>Adds <paramref name="trace"/> to subplot (<paramref name="row"/>, <paramref name="col"/>), both from 1; returns this figure.</summary>
    public Figure Add(Trace trace, int row, int col)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (GridRows == 0)
        {
            throw new InvalidOperationException("this figure has no subplot grid; create it with Figure.Subplots(rows, cols)");
        }
        if (row < 1 || row > GridRows || col < 1 || col > GridCols)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"cell ({row}, {col}) is outside the {GridRows}x{GridCols} grid (rows and columns count from 1)");
        }
        int k = ((row - 1) * GridCols) + col;
        trace.XAxis = Layout.AxisId('x', k);
        trace.YAxis = Layout.AxisId('y', k);
        Traces.Add(trace);
        return this;
    }

    /// <summary>
    /// Places figures in a grid, row-major: figure i's traces go to cell i, and its axis settings (titles, ranges,
    /// reversal, equal scaling) and frames-free layout move with them. Figure titles become subplot titles unless
    /// <paramref name="titles"/> is given.
    /// </summary>
    internal static Figure GridOf(IReadOnlyList<Figure> figures, int rows, int cols, bool sharedX, bool sharedY, IReadOnlyList<string?>? titles)
    {
        if (figures.Count > rows * cols)
        {
            throw new ArgumentException($"{figures.Count} figures do not fit a {rows}x{cols} grid");
        }
        titles ??= figures.Any(f => f.Layout.Title is not null) ? figures.Select(f => f.Layout.Title).ToArray() : null;
        var grid = Subplots(rows, cols, sharedX, sharedY, titles);
        for (int i = 0; i < figures.Count; i++)
        {
            int k = i + 1;
            var src = figures[i];
            foreach (var t in src.Traces)
            {
                grid.Add(t.Clone(), (i / cols) + 1, (i % cols) + 1);
            }
            CopyAxis(src.Layout.XAxis(1), grid.Layout.XAxis(k), 'x', k);
            CopyAxis(src.Layout.YAxis(1), grid.Layout.YAxis(k), 'y', k);
            grid.Layout.ShowLegend ??= src.Layout.ShowLegend;
        }
        return grid;
    }

    private static void CopyAxis(Axis from, Axis to, char letter, int k)
    {
        to.Title = from.Title;
        to.Range = from.Range;
        to.Type = from.Type;
        to.ShowGrid = from.ShowGrid;
        to.ZeroLine = from.ZeroLine;
        to.Visible = from.Visible;
        to.Reversed = from.Reversed;
        to.TickFormat = from.TickFormat;
        to.ScaleRatio = from.ScaleRatio;
        to.ShowTickLabels ??= from.ShowTickLabels;
        if (from.ScaleAnchor is string anchor)
        {
            char other = letter == 'x' ? 'y' : 'x';
            to.ScaleAnchor = anchor[0] == other ? Layout.AxisId(other, k) : anchor;
        }
    }

    private static JsonObject SubplotTitle(string text, double x, double y) => new()
    {
        ["text"] = text,
        ["x"] = x,
        ["y"] = y,
        ["xref"] = "paper",
        ["yref"] = "paper",
        ["xanchor"] = "center",
        ["yanchor"] = "bottom",
        ["showarrow"] = false,
        ["font"] = new JsonObject { ["size"] = 14 },
    };

    private static double Round(double v) => Math.Round(v, 6);
}
