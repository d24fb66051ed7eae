using Diffusion.Tensors;

namespace Diffusion.IO;

/// <summary>
/// Lays a batch of images out in a grid and writes it as a PNG, like <c>torchvision.utils.make_grid</c>
/// followed by <c>save_image</c>.
/// </summary>
/// <remarks>
/// Accepts [N, C, H, W], [C, H, W] or [H, W] tensors with C = 1 or 3, of any dtype, on any device.
/// Each value is mapped by <c>round(255 * clamp((x - Low) / (High - Low), 0, 1))</c> (NaN becomes 0).
/// Images fill rows of <c>min(nrow, N)</c>; every image is surrounded by <c>padding</c>
/// black pixels (shared between neighbours), so the grid is
/// <c>(rows * (H + padding) + padding) x (cols * (W + padding) + padding)</c>.
/// Unlike make_grid, one-channel images stay one-channel (a grey PNG) rather than being repeated to RGB.
/// </remarks>
public static class ImageGrid
{
    /// <summary>The grid as an 8-bit image (grey for C = 1, RGB for C = 3).</summary>
    /// <param name="images">[N, C, H, W], [C, H, W] or [H, W].</param>
    /// <param name="nrow">Images per grid row (torchvision's name).</param>
    /// <param name="padding">Black pixels between and around images.</param>
    /// <param name="range">The values that map to black and to white; (-1, 1) for diffusion samples, (0, 1) for data.</param>
    public static PngImage ToImage(Tensor images, int nrow = 8, int padding = 2, (double Low, double High)? range = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(nrow, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        var (low, high) = range ?? (-1.0, 1.0);
        if (!(high > low))
        {
            throw new ArgumentException($"range ({low}, {high}) must have High > Low", nameof(range));
        }

        long[] shape = images.Shape;
        var (n, c, h, w) = shape.Length switch
        {
            4 => (shape[0], shape[1], shape[2], shape[3]),
            3 => (1L, shape[0], shape[1], shape[2]),
            2 => (1L, 1L, shape[0], shape[1]),
            _ => throw new ArgumentException($"expected [N, C, H, W], [C, H, W] or [H, W] images, got shape {Tensor.FormatShape(shape)}", nameof(images)),
        };
        if (c != 1 && c != 3)
        {
            throw new ArgumentException($"images need 1 or 3 channels, got {c} (shape {Tensor.FormatShape(shape)})", nameof(images));
        }
        if (n == 0 || h == 0 || w == 0)
        {
            throw new ArgumentException($"cannot draw an empty batch (shape {Tensor.FormatShape(shape)})", nameof(images));
        }

        long cols = Math.Min(nrow, n);
        long rows = (n + cols - 1) / cols;
        long gridH = rows * (h + padding) + padding;
        long gridW = cols * (w + padding) + padding;
        if (gridH * gridW * c > Array.MaxLength || gridH > int.MaxValue || gridW > int.MaxValue)
        {
            throw new ArgumentException($"a grid of {n} images of {h}x{w} is too large ({gridW}x{gridH})", nameof(images));
        }

        float[] values;
        using (var f = images.To(DType.Float32, Device.Cpu))
        {
            values = f.ToArray<float>();
        }

        int channels = (int)c;
        var pixels = new byte[gridH * gridW * channels];
        double scale = 255.0 / (high - low);
        long plane = h * w;
        for (long k = 0; k < n; k++)
        {
            long top = (k / cols) * (h + padding) + padding;
            long left = (k % cols) * (w + padding) + padding;
            for (int ch = 0; ch < channels; ch++)
            {
                long src = (k * c + ch) * plane;
                for (long y = 0; y < h; y++)
                {
                    long dst = ((top + y) * gridW + left) * channels + ch;
                    for (long x = 0; x < w; x++)
                    {
                        pixels[dst + x * channels] = ToByte(values[src + y * w + x], low, scale);
                    }
                }
            }
        }
        return new PngImage((int)gridW, (int)gridH, channels, pixels);
    }

    /// <summary>The grid encoded as a PNG file (see <see cref="ToImage"/>).</summary>
    public static byte[] ToPng(Tensor images, int nrow = 8, int padding = 2, (double Low, double High)? range = null) =>
        Png.Encode(ToImage(images, nrow, padding, range));

    /// <summary>Writes the grid to <paramref name="path"/> as a PNG, atomically.</summary>
    public static void Save(string path, Tensor images, int nrow = 8, int padding = 2, (double Low, double High)? range = null) =>
        AtomicFile.WriteAllBytes(path, ToPng(images, nrow, padding, range));

    /// <summary><c>round(255 * clamp((v - low) / (high - low), 0, 1))</c>, with NaN as 0.</summary>
    internal static byte ToByte(float v, double low, double scale)
    {
        double s = (v - low) * scale;
        if (!(s > 0))
        {
            return 0; // also NaN
        }
        return s >= 255 ? (byte)255 : (byte)(s + 0.5);
    }
}
