using System.Globalization;
using Diffusion.Hosting;
using static TorchSharp.torch;

namespace Diffusion.Plotting;

/// <summary>Shows tensors as pictures: <c>Images.Show(samples, nrow: 8)</c>.</summary>
public static class Images
{
    /// <summary>A grid picture of <paramref name="images"/> without showing it (see <see cref="TensorImage.From"/>).</summary>
    public static TensorImage Grid(Tensor images, int nrow = 8, (double Low, double High)? range = null, int padding = 2) =>
        TensorImage.From(images, nrow, range, padding);

    /// <summary>
    /// Shows <paramref name="images"/> ([N, C, H, W], grey or RGB) as a PNG grid: in a notebook as an output; elsewhere
    /// writes the PNG to a temporary file and prints its path. <paramref name="range"/> maps to black … white, default
    /// (−1, 1). Returns nothing, so a notebook does not show it twice; use <see cref="Grid"/> to keep the picture, or
    /// <see cref="Figures.ImageGrid"/> for a zoomable chart.
    /// </summary>
    public static void Show(Tensor images, int nrow = 8, (double Low, double High)? range = null, int padding = 2)
    {
        var picture = TensorImage.From(images, nrow, range, padding);
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
