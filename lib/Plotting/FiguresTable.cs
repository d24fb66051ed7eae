using System.Globalization;
using Plotly.NET;
using Plotly.NET.CSharp;
using Plotly.NET.TraceObjects;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Diffusion.Plotting;

public static partial class Figures
{
    /// <summary>
    /// A table of results (FID per sampler, PSNR / SSIM per method and task) as a plotly <c>table</c>: one row per
    /// entry of <paramref name="rows"/>, numbers formatted with <paramref name="numberFormat"/> (invariant culture),
    /// text as it is, numeric columns right-aligned.
    /// </summary>
    /// <param name="header">The column names.</param>
    /// <param name="rows">The rows, each with one value per column (numbers, text, or null for an empty cell).</param>
    /// <param name="numberFormat">A .NET numeric format for numbers, e.g. "F2" or "G4".</param>
    /// <param name="title">An optional title.</param>
    public static GenericChart Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows, string numberFormat = "G4", string? title = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        if (header.Count == 0)
        {
            throw new ArgumentException("a table needs at least one column", nameof(header));
        }
        var list = rows.ToList();
        for (int r = 0; r < list.Count; r++)
        {
            if (list[r] is null || list[r].Count != header.Count)
            {
                throw new ArgumentException($"row {r} has {list[r]?.Count ?? 0} values but the table has {header.Count} columns ({string.Join(", ", header)})", nameof(rows));
            }
        }
        // plotly tables take their cells column by column.
        var columns = Enumerable.Range(0, header.Count).Select(c => list.Select(row => Format(row[c], numberFormat)).ToArray()).ToArray();
        var numeric = Enumerable.Range(0, header.Count).Select(c => list.Count > 0 && list.All(row => row[c] is null || IsNumber(row[c]))).ToArray();

        var head = new TableCells();
        head.SetProperty("values", header.Select(h => new[] { h }).ToArray());
        head.SetProperty("align", "center");
        head.SetProperty("fill", FillOf("#e5ecf6"));
        var cells = new TableCells();
        cells.SetProperty("values", columns);
        cells.SetProperty("align", numeric.Select(n => n ? "right" : "left").ToArray());

        var chart = CSharpChart.Table(head, cells).WithSize(Math.Max(360, 140 * header.Count), 80 + (30 * list.Count) + (title is null ? 0 : 40));
        return title is null ? chart : chart.WithTitle(title);
    }

    private static string Format(object? value, string numberFormat) => value switch
    {
        null => "",
        double d => d.ToString(numberFormat, CultureInfo.InvariantCulture),
        float f => f.ToString(numberFormat, CultureInfo.InvariantCulture),
        decimal m => m.ToString(numberFormat, CultureInfo.InvariantCulture),
        IFormattable n when IsNumber(n) => n.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static bool IsNumber(object? value) => value is double or float or decimal or int or long or short or byte or uint or ulong or ushort or sbyte;

    private static TableFill FillOf(string color)
    {
        var fill = new TableFill();
        fill.SetProperty("color", color);
        return fill;
    }
}
