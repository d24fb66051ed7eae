using System.Globalization;
using Diffusion.Hosting;
using Diffusion.IO;
using Diffusion.Tensors;

namespace Diffusion.Plotting;

/// <summary>
/// A PNG picture (usually a grid of tensor images) that notebooks display: <c>image/png</c>, an enlarged
/// pixel-sharp <c>text/html</c> version, and a <c>text/plain</c> description.
/// </summary>
public sealed class TensorImage
{
    /// <summary>A picture from PNG bytes with a description for <c>text/plain</c>.</summary>
    public TensorImage(byte[] png, string description)
    {
        ArgumentNullException.ThrowIfNull(png);
        var decoded = Diffusion.IO.Png.Decode(png);
        Png = png;
        Width = decoded.Width;
        Height = decoded.Height;
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

    /// <summary>A grid of <paramref name="images"/> ([N, C, H, W], [C, H, W] or [H, W]; C = 1 or 3), <paramref name="nrow"/> per row, <paramref name="range"/> mapped to black…white.</summary>
    public static TensorImage From(Tensor images, int nrow = 8, (double Low, double High)? range = null, int padding = 2)
    {
        ArgumentNullException.ThrowIfNull(images);
        var shape = images.Shape;
        var png = ImageGrid.ToPng(images, nrow, padding, range);
        long n = shape.Length == 4 ? shape[0] : 1;
        return new TensorImage(png, string.Create(CultureInfo.InvariantCulture, $"{n} image{(n == 1 ? "" : "s")} {Tensor.FormatShape(shape)}"));
    }

    /// <summary>How much the HTML view enlarges the picture (whole pixels, so it stays sharp).</summary>
    public int DisplayScale => Math.Clamp(400 / Math.Max(Width, Height), 1, 8);

    /// <summary>The PNG as a <c>data:image/png;base64,…</c> URI.</summary>
    public string DataUri => "data:image/png;base64," + Convert.ToBase64String(Png);

    /// <summary>The notebook rendering: <c>image/png</c>, <c>text/html</c> (enlarged, pixelated) and <c>text/plain</c>.</summary>
    public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string>
    {
        ["text/plain"] = ToString(),
        ["image/png"] = Convert.ToBase64String(Png),
        ["text/html"] = string.Create(CultureInfo.InvariantCulture,
            $"<img src=\"{DataUri}\" width=\"{Width * DisplayScale}\" height=\"{Height * DisplayScale}\" style=\"image-rendering:pixelated;image-rendering:crisp-edges\" alt=\"{System.Net.WebUtility.HtmlEncode(Description)}\"/>"),
    };

    /// <summary>Writes the PNG to <paramref name="path"/>.</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, Png);

    /// <summary>The picture as a plotly figure (zoomable, with pixel coordinates on hover).</summary>
    public Figure ToFigure() => Chart.Image(Png);

    /// <summary>E.g. <c>TensorImage 16 images [16, 1, 28, 28] (122x62 PNG)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"TensorImage {Description} ({Width}x{Height} PNG)");
}

/// <summary>Shows tensors as pictures: <c>Images.Show(samples, nrow: 8)</c>.</summary>
public static class Images
{
    /// <summary>A grid picture of <paramref name="images"/> without showing it (see <see cref="TensorImage.From"/>).</summary>
    public static TensorImage Grid(Tensor images, int nrow = 8, (double Low, double High)? range = null, int padding = 2) =>
        TensorImage.From(images, nrow, range, padding);

    /// <summary>
    /// Shows <paramref name="images"/> as a grid: in a notebook as an output; elsewhere writes a PNG to a temporary
    /// file and prints its path. <paramref name="range"/> maps to black…white, default (−1, 1).
    /// Returns nothing, so a notebook does not show it twice; use <see cref="Grid"/> to keep the picture.
    /// </summary>
    public static void Show(Tensor images, int nrow = 8, (double Low, double High)? range = null, int padding = 2)
    {
        var picture = TensorImage.From(images, nrow, range, padding);
        if (NotebookHost.Display is { } display)
        {
            display(picture);
        }
        else
        {
            var path = Path.Combine(Path.GetTempPath(), "images-" + DateTime.Now.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture) + ".png");
            picture.Save(path);
            Console.WriteLine($"{picture} saved to {path}");
        }
    }
}
