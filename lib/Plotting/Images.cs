using System.Globalization;
using Diffusion.Engine;
using Diffusion.Hosting;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plotting;

/// <summary>
/// Shows tensors as pictures: <c>Images.Show(samples, nrow: 8)</c>, or one labelled row per tensor:
/// <c>Images.ShowRows(("x₀", x0), ("blurred", xs), ("restored", x0Hat))</c>. Pictures are enlarged 2 to 8 times by whole
/// pixels, so a projector shows 28 × 28 digits sharp.
/// </summary>
public static class Images
{
    /// <summary>A grid picture of <paramref name="images"/> without showing it (see <see cref="TensorImage.From"/>).</summary>
    public static TensorImage Grid(Tensor images, int nrow = 8, (double Low, double High)? range = null, int padding = 2,
        IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null, string? title = null) =>
        TensorImage.From(images, nrow, range, padding, rowLabels, columnLabels, title);

    /// <summary>
    /// Shows <paramref name="images"/> ([N, C, H, W], grey or RGB) as a PNG grid: in a notebook as an output; elsewhere
    /// writes the PNG to a temporary file and prints its path. <paramref name="range"/> maps to black … white, default
    /// (−1, 1). Labels name the grid's rows and columns. Returns nothing, so a notebook does not show it twice; use
    /// <see cref="Grid"/> to keep the picture, or <see cref="Figures.ImageGrid"/> for a zoomable chart.
    /// </summary>
    public static void Show(Tensor images, int nrow = 8, (double Low, double High)? range = null, int padding = 2,
        IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null, string? title = null) =>
        Display(TensorImage.From(images, nrow, range, padding, rowLabels, columnLabels, title));

    /// <summary>One labelled row per tensor (images of the same size, pixels in (−1, 1)); see <see cref="ShowRows(IReadOnlyList{ValueTuple{string, Tensor}}, IReadOnlyList{string}?, ValueTuple{double, double}?, string?)"/>.</summary>
    public static void ShowRows(params (string Label, Tensor Images)[] rows) => ShowRows(rows, columnLabels: null);

    /// <summary>
    /// One grid row per entry of <paramref name="rows"/>, its label on the left: e.g. the true digits, their degraded
    /// versions and three restorations, one above the other. A row with fewer images than the longest is filled with
    /// black. Images may come from any device and dtype; all must have the same [C, H, W].
    /// </summary>
    /// <exception cref="ArgumentException">No rows, an empty row, or rows of different image sizes.</exception>
    public static void ShowRows(IReadOnlyList<(string Label, Tensor Images)> rows, IReadOnlyList<string>? columnLabels = null,
        (double Low, double High)? range = null, string? title = null) =>
        Display(RowsGrid(rows, columnLabels, range, title));

    /// <summary>The picture <see cref="ShowRows(IReadOnlyList{ValueTuple{string, Tensor}}, IReadOnlyList{string}?, ValueTuple{double, double}?, string?)"/> shows.</summary>
    public static TensorImage RowsGrid(IReadOnlyList<(string Label, Tensor Images)> rows, IReadOnlyList<string>? columnLabels = null,
        (double Low, double High)? range = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("give at least one row of images", nameof(rows));
        }
        using var scope = torch.NewDisposeScope();
        var batches = rows.Select(r => (r.Label, Images: AsBatch(r.Images, r.Label))).ToList();
        var cell = batches[0].Images.shape[1..];
        var odd = batches.FirstOrDefault(b => !b.Images.shape[1..].SequenceEqual(cell));
        if (odd.Images is not null)
        {
            throw new ArgumentException($"row '{odd.Label}' holds images {Shapes.Format(odd.Images)}, but row '{batches[0].Label}' holds {Shapes.Format(batches[0].Images)}: every row needs images of the same [C, H, W]", nameof(rows));
        }
        long columns = batches.Max(b => b.Images.shape[0]);
        double black = (range ?? (-1, 1)).Low;
        var filled = batches.Select(b => b.Images.shape[0] == columns ? b.Images
            : torch.cat([b.Images, torch.full([columns - b.Images.shape[0], .. cell], black)], 0)).ToList();
        return TensorImage.From(torch.cat(filled, 0), (int)columns, range, rowLabels: rows.Select(r => r.Label).ToArray(), columnLabels: columnLabels, title: title);
    }

    private static Tensor AsBatch(Tensor images, string label)
    {
        ArgumentNullException.ThrowIfNull(images, $"row '{label}'");
        var batch = images.dim() switch
        {
            4 => images,
            3 => images.unsqueeze(0),
            2 => images.unsqueeze(0).unsqueeze(0),
            _ => throw new ArgumentException($"row '{label}': expected [N, C, H, W], [C, H, W] or [H, W] images, got {Shapes.Format(images)}"),
        };
        if (batch.shape[0] == 0)
        {
            throw new ArgumentException($"row '{label}' has no images");
        }
        return batch.detach().to(ScalarType.Float32, torch.CPU);
    }

    private static void Display(TensorImage picture)
    {
        if (NotebookHost.Display is { } display)
        {
            display(picture);
            return;
        }
        var path = Path.Combine(Path.GetTempPath(), "images-" + DateTime.Now.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture) + ".png");
        picture.Save(path);
        Console.WriteLine($"{picture} saved to {path}");
    }
}
