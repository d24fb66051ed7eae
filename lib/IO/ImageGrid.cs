using Diffusion.Engine;
using SixLabors.ImageSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.IO;

/// <summary>
/// Lays a batch of images out in a grid, like <c>torchvision.utils.make_grid</c>, and writes it as a PNG, like
/// <c>save_image</c> (through ImageSharp).
/// </summary>
/// <remarks>
/// Accepts [N, C, H, W], [C, H, W] or [H, W] tensors with C = 1 or 3, of any dtype, on any device. Values map to
/// 0 … 255 as <see cref="ImageIO"/> says (range default (−1, 1)). Images fill rows of <c>min(nrow, N)</c>; every image is
/// surrounded by <c>padding</c> black pixels (shared between neighbours), so the grid is
/// <c>(rows · (H + padding) + padding) × (cols · (W + padding) + padding)</c>. Unlike make_grid, one-channel images stay
/// one-channel (a grey PNG) rather than being repeated to RGB.
/// </remarks>
public static class ImageGrid
{
    /// <summary>The grid as an 8-bit ImageSharp image (grey for C = 1, RGB for C = 3); the caller disposes it.</summary>
    /// <param name="images">[N, C, H, W], [C, H, W] or [H, W].</param>
    /// <param name="nrow">Images per grid row (torchvision's name).</param>
    /// <param name="padding">Black pixels between and around images.</param>
    /// <param name="range">The values that map to black and to white; (−1, 1) for diffusion samples, (0, 1) for data.</param>
    public static Image ToImage(Tensor images, int nrow = 8, int padding = 2, (double Low, double High)? range = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(nrow, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        var (low, high) = ImagePixels.Range(range, nameof(range));
        using var scope = torch.NewDisposeScope();
        var batch = images.dim() switch
        {
            4 => images,
            3 or 2 => ImagePixels.AsChw(images, nameof(images)).unsqueeze(0),
            _ => throw new ArgumentException($"expected [N, C, H, W], [C, H, W] or [H, W] images, got {Shapes.Format(images)}", nameof(images)),
        };
        long n = batch.shape[0], c = batch.shape[1], h = batch.shape[2], w = batch.shape[3];
        if (c is not (1 or 3))
        {
            throw new ArgumentException($"images need 1 or 3 channels, got {c} in {Shapes.Format(images)}", nameof(images));
        }
        if (n == 0 || h == 0 || w == 0)
        {
            throw new ArgumentException($"cannot draw an empty batch {Shapes.Format(images)}", nameof(images));
        }
        long cols = Math.Min(nrow, n), rows = (n + cols - 1) / cols;
        long gridH = (rows * (h + padding)) + padding, gridW = (cols * (w + padding)) + padding;
        if (gridH > int.MaxValue || gridW > int.MaxValue || gridH * gridW * c > Array.MaxLength)
        {
            throw new ArgumentException($"a grid of {n} images of {h}x{w} would be {gridW}x{gridH} pixels, too large for one picture; draw fewer images", nameof(images));
        }

        // Quantize, give every image `padding` black pixels above and to the left, add black cells to fill the last row,
        // tile [rows, cols, C, H+p, W+p] into [C, rows·(H+p), cols·(W+p)], and close with `padding` pixels below and right.
        var cells = ImagePixels.Quantize(batch, low, high);
        cells = nn.functional.pad(cells, [padding, 0, padding, 0]);
        if (rows * cols > n)
        {
            cells = torch.cat([cells, torch.zeros([(rows * cols) - n, c, h + padding, w + padding], dtype: ScalarType.Byte)], dim: 0);
        }
        var tiled = cells.reshape(rows, cols, c, h + padding, w + padding).permute(2, 0, 3, 1, 4).reshape(c, rows * (h + padding), cols * (w + padding));
        var grid = nn.functional.pad(tiled, [0, padding, 0, padding]);
        return ImagePixels.ToImage(grid);
    }

    /// <summary>The grid encoded as a PNG file (see <see cref="ToImage"/>).</summary>
    public static byte[] ToPng(Tensor images, int nrow = 8, int padding = 2, (double Low, double High)? range = null)
    {
        using var grid = ToImage(images, nrow, padding, range);
        return ImageIO.EncodePng(grid);
    }

    /// <summary>Writes the grid to <paramref name="path"/> as a PNG, atomically.</summary>
    public static void Save(string path, Tensor images, int nrow = 8, int padding = 2, (double Low, double High)? range = null)
    {
        using var grid = ToImage(images, nrow, padding, range);
        ImageIO.SavePng(path, grid);
    }
}
