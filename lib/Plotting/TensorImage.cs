using System.Globalization;
using System.Net;
using Diffusion.Engine;
using Diffusion.IO;
using Plotly.NET;
using static TorchSharp.torch;

namespace Diffusion.Plotting;

/// <summary>
/// A PNG picture of tensor images (a grid) that notebooks display: <c>image/png</c>, an enlarged pixel-sharp
/// <c>text/html</c> version and a <c>text/plain</c> description. Made by <see cref="Images.Grid"/> and <see cref="Images.Show"/>.
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

    /// <summary>
    /// A grid of <paramref name="images"/> ([N, C, H, W], [C, H, W] or [H, W]; C = 1 or 3), <paramref name="nrow"/> per
    /// row, <paramref name="range"/> mapped to black … white (default (−1, 1)); see <see cref="ImageGrid"/>.
    /// </summary>
    public static TensorImage From(Tensor images, int nrow = 8, (double Low, double High)? range = null, int padding = 2)
    {
        var png = ImageGrid.ToPng(images, nrow, padding, range);
        long n = images.dim() == 4 ? images.shape[0] : 1;
        return new TensorImage(png, string.Create(CultureInfo.InvariantCulture, $"{n} image{(n == 1 ? "" : "s")} {Shapes.Format(images)}"));
    }

    /// <summary>How much the HTML view enlarges the picture (whole pixels, so it stays sharp; about 400 px, 1 to 8 times).</summary>
    public int DisplayScale => Figures.DisplayScale(Width, Height);

    /// <summary>The PNG as a <c>data:image/png;base64,…</c> URI.</summary>
    public string DataUri => "data:image/png;base64," + Convert.ToBase64String(Png);

    /// <summary>The notebook rendering: <c>image/png</c>, <c>text/html</c> (enlarged, pixelated) and <c>text/plain</c>.</summary>
    public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string>
    {
        ["text/plain"] = ToString(),
        ["image/png"] = Convert.ToBase64String(Png),
        ["text/html"] = string.Create(CultureInfo.InvariantCulture,
            $"<img src=\"{DataUri}\" width=\"{Width * DisplayScale}\" height=\"{Height * DisplayScale}\" style=\"image-rendering:pixelated;image-rendering:crisp-edges\" alt=\"{WebUtility.HtmlEncode(Description)}\"/>"),
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
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"TensorImage {Description} ({Width}x{Height} PNG)");
}
