using System.Globalization;
using System.Net;
using System.Text;
using Diffusion.Engine;
using Diffusion.IO;
using Plotly.NET;
using static TorchSharp.torch;

namespace Diffusion.Plotting;

/// <summary>
/// A PNG picture of tensor images (a grid) that notebooks display: <c>image/png</c>, an enlarged pixel-sharp
/// <c>text/html</c> version (with row and column labels when given) and a <c>text/plain</c> description. Made by
/// <see cref="Images.Grid"/>, <see cref="Images.Show"/> and <c>Images.ShowRows</c>.
/// </summary>
public sealed class TensorImage
{
    /// <summary>A picture from PNG bytes with a description for <c>text/plain</c>.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a readable image.</exception>
    public TensorImage(byte[] png, string description)
    {
        ArgumentNullException.ThrowIfNull(png);
        ArgumentNullException.ThrowIfNull(description);
        var (width, height) = ImageIO.Measure(png, "the picture");
        Png = png;
        Width = width;
        Height = height;
        Description = description;
    }

    /// <summary>The encoded PNG.</summary>
    public byte[] Png { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>What the picture shows, e.g. <c>16 images [16, 1, 28, 28]</c>.</summary>
    public string Description { get; }

    /// <summary>A label left of each grid row (null: none). Set by <see cref="From"/>.</summary>
    public IReadOnlyList<string>? RowLabels { get; private init; }

    /// <summary>A label above each grid column (null: none). Set by <see cref="From"/>.</summary>
    public IReadOnlyList<string>? ColumnLabels { get; private init; }

    /// <summary>A caption above the picture (null: none).</summary>
    public string? Title { get; private init; }

    /// <summary>The grid's cell: image height and width and the padding between images, in PNG pixels (0 when unknown).</summary>
    public (int Height, int Width, int Padding) Cell { get; private init; }

    /// <summary>
    /// A grid of <paramref name="images"/> ([N, C, H, W], [C, H, W] or [H, W]; C = 1 or 3), <paramref name="nrow"/> per
    /// row, <paramref name="range"/> mapped to black … white (default (−1, 1)); see <see cref="ImageGrid"/>. Labels, when
    /// given, name the grid's rows (one per row) and columns (one per column) in the HTML view.
    /// </summary>
    /// <exception cref="ArgumentException">There are not as many labels as rows or columns.</exception>
    public static TensorImage From(Tensor images, int nrow = 8, (double Low, double High)? range = null, int padding = 2,
        IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        var png = ImageGrid.ToPng(images, nrow, padding, range);
        long n = images.dim() == 4 ? images.shape[0] : 1;
        int columns = (int)Math.Min(nrow, n), rows = (int)((n + columns - 1) / columns);
        if (rowLabels is not null && rowLabels.Count != rows)
        {
            throw new ArgumentException($"{rowLabels.Count} row labels for a grid of {rows} rows ({n} images, {columns} per row): give one label per row", nameof(rowLabels));
        }
        if (columnLabels is not null && columnLabels.Count != columns)
        {
            throw new ArgumentException($"{columnLabels.Count} column labels for a grid of {columns} columns: give one label per column", nameof(columnLabels));
        }
        var labels = rowLabels is null ? "" : $", rows: {string.Join(" | ", rowLabels)}";
        return new TensorImage(png, string.Create(CultureInfo.InvariantCulture, $"{n} image{(n == 1 ? "" : "s")} {Shapes.Format(images)}{labels}"))
        {
            RowLabels = rowLabels?.ToArray(),
            ColumnLabels = columnLabels?.ToArray(),
            Title = title,
            Cell = ((int)images.shape[^2], (int)images.shape[^1], padding),
        };
    }

    /// <summary>How much the HTML view enlarges the picture: whole pixels, so it stays sharp; 2 to 8 times (see <see cref="Figures.DisplayScale"/>).</summary>
    public int DisplayScale => Figures.DisplayScale(Width, Height);

    /// <summary>The PNG as a <c>data:image/png;base64,…</c> URI.</summary>
    public string DataUri => "data:image/png;base64," + Convert.ToBase64String(Png);

    /// <summary>The notebook rendering: <c>image/png</c>, <c>text/html</c> (enlarged, pixelated, labelled) and <c>text/plain</c>.</summary>
    public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string>
    {
        ["text/plain"] = ToString(),
        ["image/png"] = Convert.ToBase64String(Png),
        ["text/html"] = Html(),
    };

    /// <summary>Writes the PNG to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, Png);

    /// <summary>The picture as a zoomable Plotly.NET chart (pixel coordinates on hover).</summary>
    public GenericChart ToChart()
    {
        var chart = Plotly.NET.CSharp.Chart.Image<string>(Source: DataUri, Name: "images");
        return chart.WithEqualAxes();
    }

    /// <summary>E.g. <c>TensorImage 16 images [16, 1, 28, 28] (242x62 PNG)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"TensorImage {(Title is null ? "" : Title + ": ")}{Description} ({Width}x{Height} PNG)");

    private string Html()
    {
        int s = DisplayScale;
        var img = string.Create(CultureInfo.InvariantCulture,
            $"<img src=\"{DataUri}\" width=\"{Width * s}\" height=\"{Height * s}\" style=\"image-rendering:pixelated;image-rendering:crisp-edges;display:block\" alt=\"{WebUtility.HtmlEncode(Description)}\"/>");
        if (RowLabels is null && ColumnLabels is null && Title is null)
        {
            return img;
        }
        var (h, w, pad) = Cell;
        var html = new StringBuilder("<figure style=\"margin:4px 0;display:inline-block;font:13px/1.2 sans-serif\">");
        if (Title is not null)
        {
            html.Append("<figcaption style=\"margin-bottom:4px;font-weight:bold\">").Append(WebUtility.HtmlEncode(Title)).Append("</figcaption>");
        }
        html.Append("<div style=\"display:flex;align-items:flex-end\">");
        if (RowLabels is not null)
        {
            // One label per grid row, as tall as the row (image plus the padding below it) and centred on the image.
            html.Append(CultureInfo.InvariantCulture, $"<div style=\"display:flex;flex-direction:column;padding:{pad * s}px 6px 0 0;text-align:right\">");
            foreach (var label in RowLabels)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<div style=\"height:{(h + pad) * s}px;line-height:{h * s}px;white-space:nowrap\">{WebUtility.HtmlEncode(label)}</div>");
            }
            html.Append("</div>");
        }
        html.Append("<div>");
        if (ColumnLabels is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div style=\"display:flex;padding-left:{pad * s}px\">");
            foreach (var label in ColumnLabels)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<div style=\"width:{(w + pad) * s}px;padding-right:{pad * s}px;box-sizing:border-box;text-align:center;overflow:hidden;white-space:nowrap\">{WebUtility.HtmlEncode(label)}</div>");
            }
            html.Append("</div>");
        }
        html.Append(img).Append("</div></div></figure>");
        return html.ToString();
    }
}
