using Diffusion.Tensors;

namespace Diffusion.IO;

/// <summary>Conversions between <see cref="PngImage"/>s and tensors.</summary>
public static class ImageIO
{
    /// <summary>A float32 [C, H, W] tensor in [0, 1] (sample / 255), channels as stored (1 grey ... 4 RGBA).</summary>
    public static Tensor ToTensor(PngImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int c = image.Channels, h = image.Height, w = image.Width;
        if ((long)c * h * w != image.Pixels.Length)
        {
            throw new ArgumentException($"a {w}x{h} image with {c} channels needs {(long)c * h * w} samples but holds {image.Pixels.Length}", nameof(image));
        }
        var values = new float[image.Pixels.Length];
        int plane = h * w;
        var pixels = image.Pixels;
        for (int p = 0; p < plane; p++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                values[ch * plane + p] = pixels[p * c + ch] * (1f / 255f);
            }
        }
        return Torch.FromSpan<float>(values, [c, h, w]);
    }

    /// <summary>Loads a PNG file as a float32 [C, H, W] tensor in [0, 1].</summary>
    public static Tensor Load(string path) => ToTensor(Png.Load(path));

    /// <summary>One [C, H, W] or [H, W] image (C = 1 or 3) as an 8-bit image, no padding; see <see cref="ImageGrid.ToImage"/> for the mapping.</summary>
    public static PngImage ToImage(Tensor image, (double Low, double High)? range = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Dim is not (2 or 3))
        {
            throw new ArgumentException($"expected one [C, H, W] or [H, W] image, got shape {Tensor.FormatShape(image.Shape)}", nameof(image));
        }
        return ImageGrid.ToImage(image, nrow: 1, padding: 0, range);
    }
}
