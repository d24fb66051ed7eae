using Diffusion.Engine;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.IO;

/// <summary>Moves pixels between ImageSharp images and tensors.</summary>
/// <remarks>
/// Image → tensor: sample / 255 as float32 [C, H, W]. Tensor → image: <c>floor(255 · clamp((x − Low) / (High − Low), 0, 1) + 0.5)</c>,
/// computed in float64, with NaN drawn as 0 (black).
/// </remarks>
internal static class ImagePixels
{
    /// <summary>True when every pixel has R = G = B (the image carries no colour).</summary>
    internal static bool IsGrey(Image<Rgb24> image)
    {
        var pixels = Interleaved(image);
        for (int i = 0; i < pixels.Length; i += 3)
        {
            if (pixels[i] != pixels[i + 1] || pixels[i] != pixels[i + 2])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The image as float32 [<paramref name="channels"/>, H, W] in [0, 1]; 1 channel takes the ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B.</summary>
    internal static Tensor ToTensor(Image<Rgb24> image, int channels)
    {
        using var scope = torch.NewDisposeScope();
        var hwc = torch.tensor(Interleaved(image), [image.Height, image.Width, 3], dtype: ScalarType.Byte);
        var chw = hwc.permute(2, 0, 1).to(ScalarType.Float32);
        var result = channels switch
        {
            3 => chw.div(255f),
            1 when IsGrey(image) => chw[..1].div(255f),
            1 => (chw[0].mul(0.299f) + chw[1].mul(0.587f) + chw[2].mul(0.114f)).div(255f).unsqueeze(0),
            _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (grey) or 3 (RGB)"),
        };
        return result.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One image [C, H, W] (C = 1 or 3) as 8-bit samples, row-major with channels interleaved (H × W × C bytes),
    /// mapped from <paramref name="low"/> … <paramref name="high"/> to 0 … 255.
    /// </summary>
    internal static Tensor Quantize(Tensor image, double low, double high)
    {
        using var scope = torch.NewDisposeScope();
        var x = image.detach().to(ScalarType.Float64, torch.CPU);
        var scaled = x.sub(low).mul(255.0 / (high - low)).nan_to_num(nan: 0.0, posinf: 255.0, neginf: 0.0).clamp(0.0, 255.0);
        return scaled.add(0.5).floor().to(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    /// <summary>An 8-bit image from <paramref name="chw"/> uint8 [C, H, W]: grey (L8) for C = 1, RGB for C = 3.</summary>
    internal static Image ToImage(Tensor chw)
    {
        int c = (int)chw.shape[0], h = (int)chw.shape[1], w = (int)chw.shape[2];
        using var hwc = chw.permute(1, 2, 0).contiguous();
        var bytes = hwc.data<byte>().ToArray();
        return c == 1
            ? Image.LoadPixelData<L8>(bytes, w, h)
            : Image.LoadPixelData<Rgb24>(bytes, w, h);
    }

    /// <summary>Checks a [C, H, W] or [H, W] picture; returns it as [C, H, W] (a view).</summary>
    internal static Tensor AsChw(Tensor image, string parameter)
    {
        ArgumentNullException.ThrowIfNull(image);
        var chw = image.dim() switch
        {
            2 => image.unsqueeze(0),
            3 => image.alias(),
            _ => throw new ArgumentException($"expected one [C, H, W] or [H, W] image, got {Shapes.Format(image)}; index a batch with images[i]", parameter),
        };
        if (chw.shape[0] is not (1 or 3))
        {
            chw.Dispose();
            throw new ArgumentException($"images need 1 (grey) or 3 (RGB) channels, got {chw.shape[0]} in {Shapes.Format(image)}", parameter);
        }
        return chw;
    }

    /// <summary>Checks that (<paramref name="range"/>) maps to black … white sensibly; default (−1, 1).</summary>
    internal static (double Low, double High) Range((double Low, double High)? range, string parameter)
    {
        var (low, high) = range ?? (-1.0, 1.0);
        if (!(double.IsFinite(low) && double.IsFinite(high) && high > low))
        {
            throw new ArgumentException($"range ({low}, {high}) must be finite with High > Low: (-1, 1) for diffusion samples, (0, 1) for data", parameter);
        }
        return (low, high);
    }

    private static byte[] Interleaved(Image<Rgb24> image)
    {
        var bytes = new byte[checked(image.Width * image.Height * 3)];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }
}
