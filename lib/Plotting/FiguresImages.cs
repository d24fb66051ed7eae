using Plotly.NET;
using Plotly.NET.LayoutObjects;
using CSharpChart = Plotly.NET.CSharp.Chart;
using static TorchSharp.torch;

namespace Diffusion.Plotting;

public static partial class Figures
{
    /// <summary>
    /// A grid of images as a zoomable chart (pixel coordinates on hover), like <c>torchvision.utils.make_grid</c>:
    /// the grid is encoded as a PNG (<see cref="Diffusion.IO.ImageGrid"/>) and drawn by a plotly <c>image</c> trace,
    /// enlarged by whole pixels so that 28×28 digits stay sharp. In a notebook it also carries the PNG itself.
    /// </summary>
    /// <param name="images">[N, C, H, W], [C, H, W] or [H, W] with C = 1 (grey) or 3 (RGB).</param>
    /// <param name="nrow">Images per grid row.</param>
    /// <param name="range">The values drawn black and white; default (−1, 1), the range diffusion models use.</param>
    /// <param name="padding">Black pixels between and around the images.</param>
    /// <param name="title">An optional title.</param>
    public static GenericChart ImageGrid(Tensor images, int nrow = 8, (double Low, double High)? range = null, int padding = 2, string? title = null)
    {
        using var grid = Diffusion.IO.ImageGrid.ToImage(images, nrow, padding, range);
        var png = Diffusion.IO.ImageIO.EncodePng(grid);
        int scale = DisplayScale(grid.Width, grid.Height);
        var chart = CSharpChart.Image<string>(Source: "data:image/png;base64," + Convert.ToBase64String(png), Name: "images");
        var layout = new Layout();
        layout.SetProperty("xaxis", ChartStyle.Axis("visible", false));
        layout.SetProperty("yaxis", ChartStyle.Axis("visible", false));
        layout.SetProperty("margin", Margin(title is null ? 10 : 40));
        layout.SetProperty("width", (grid.Width * scale) + 20);
        layout.SetProperty("height", (grid.Height * scale) + (title is null ? 20 : 50));
        chart = Plotly.NET.Chart.withLayout(layout).Invoke(chart);
        return title is null ? chart : chart.WithTitle(title);
    }

    /// <summary>
    /// How much a picture is enlarged on screen: whole pixels (so 28 × 28 digits stay sharp), about 760 px on its longer
    /// side, never less than twice (a strip of 28-pixel digits at 1× is too small to read on a projector) nor more than 8×.
    /// </summary>
    public static int DisplayScale(int width, int height) => Math.Clamp(760 / Math.Max(1, Math.Max(width, height)), MinimumDisplayScale, 8);

    /// <summary>The smallest enlargement of a picture in a notebook (environment/check_exports.py holds exports to it).</summary>
    public const int MinimumDisplayScale = 2;

    private static Margin Margin(int top)
    {
        var margin = new Margin();
        margin.SetProperty("l", 10);
        margin.SetProperty("r", 10);
        margin.SetProperty("b", 10);
        margin.SetProperty("t", top);
        return margin;
    }
}
