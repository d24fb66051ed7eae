using Diffusion.Engine;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// Up- and down-sampling by 2 of [B, C, H, W] feature maps as NCSN++ does them: with a separable FIR filter (StyleGAN2's
/// <c>upfirdn2d</c>, Karras et al. 2020) or naively (nearest neighbour / 2×2 mean).
/// </summary>
/// <remarks>
/// With taps k (length K) normalised to k̂ = k / Σk, upfirdn along one axis is: insert (up − 1) zeros after every sample,
/// pad p₀ zeros before and p₁ after, correlate with the flipped taps and keep every <c>down</c>-th output:
/// y[j] = Σ_m g · k̂[K − 1 − m] · x̃[down · j + m]. Up-sampling uses up = 2, gain g = 2 per axis (so a constant image stays
/// constant), p = K − 2, (p₀, p₁) = (⌈p/2⌉ + 1, ⌊p/2⌋); down-sampling uses down = 2, g = 1, (p₀, p₁) = (⌈p/2⌉, ⌊p/2⌋).
/// The 2-D filter of the reference is the outer product k̂ ⊗ k̂, so it is applied here axis by axis, as sums of shifted
/// slices (no convolution kernel, so none of oneDNN's channel-count quirks). For k = [1, 3, 3, 1]:
/// up: y[2i] = (x[i−1] + 3x[i]) / 4, y[2i+1] = (3x[i] + x[i+1]) / 4; down: y[i] = (x[2i−1] + 3x[2i] + 3x[2i+1] + x[2i+2]) / 8.
/// </remarks>
public static class FirResampling
{
    /// <summary>Doubles H and W with the FIR filter <paramref name="kernel"/> (upfirdn with up 2).</summary>
    public static Tensor Upsample2d(Tensor x, IReadOnlyList<int> kernel)
    {
        Check(x, kernel);
        int p = kernel.Count - 2;
        var taps = Taps(kernel, 2.0);
        using var scope = NewDisposeScope();
        var y = UpFirDn(x, 2, taps, 2, 1, (p + 1) / 2 + 1, p / 2);
        y = UpFirDn(y, 3, taps, 2, 1, (p + 1) / 2 + 1, p / 2);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Halves H and W with the FIR filter <paramref name="kernel"/> (upfirdn with down 2); H and W must be even.</summary>
    public static Tensor Downsample2d(Tensor x, IReadOnlyList<int> kernel)
    {
        Check(x, kernel);
        CheckEven(x);
        int p = kernel.Count - 2;
        var taps = Taps(kernel, 1.0);
        using var scope = NewDisposeScope();
        var y = UpFirDn(x, 2, taps, 1, 2, (p + 1) / 2, p / 2);
        y = UpFirDn(y, 3, taps, 1, 2, (p + 1) / 2, p / 2);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Nearest-neighbour doubling: y[2i + a, 2j + b] = x[i, j].</summary>
    public static Tensor NaiveUpsample2d(Tensor x)
    {
        Check(x, [1, 1]);
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        using var scope = NewDisposeScope();
        return x.reshape(b, c, h, 1, w, 1).expand(b, c, h, 2, w, 2).reshape(b, c, 2 * h, 2 * w).MoveToOuterDisposeScope();
    }

    /// <summary>The mean of each 2×2 block (H and W must be even).</summary>
    public static Tensor NaiveDownsample2d(Tensor x)
    {
        Check(x, [1, 1]);
        CheckEven(x);
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        using var scope = NewDisposeScope();
        return x.reshape(b, c, h / 2, 2, w / 2, 2).mean([3, 5]).MoveToOuterDisposeScope();
    }

    /// <summary>The taps k / Σk · gain, flipped (the reference convolves, i.e. correlates with the flipped filter).</summary>
    private static double[] Taps(IReadOnlyList<int> kernel, double gain)
    {
        double sum = kernel.Sum();
        return kernel.Reverse().Select(k => k / sum * gain).ToArray();
    }

    /// <summary>upfirdn along <paramref name="axis"/>: zero insertion, zero padding, FIR correlation, decimation.</summary>
    private static Tensor UpFirDn(Tensor x, int axis, double[] taps, int up, int down, int pad0, int pad1)
    {
        long length = x.shape[axis];
        if (up > 1)
        {
            var shape = x.shape.ToArray();
            var grown = x.unsqueeze(axis + 1);
            var zerosShape = grown.shape.ToArray();
            zerosShape[axis + 1] = up - 1;
            grown = cat([grown, zeros(zerosShape, x.dtype, x.device)], axis + 1);
            shape[axis] = length * up;
            x = grown.reshape(shape);
            length *= up;
        }
        var pad = axis == 3 ? new long[] { pad0, pad1 } : new long[] { 0, 0, pad0, pad1 };
        var padded = nn.functional.pad(x, pad);
        long outLength = (length + pad0 + pad1 - taps.Length) / down + 1;
        Tensor? y = null;
        for (int m = 0; m < taps.Length; m++)
        {
            var term = padded.slice(axis, m, m + (outLength - 1) * down + 1, down) * taps[m];
            y = y is null ? term : y + term;
        }
        return y!;
    }

    private static void Check(Tensor x, IReadOnlyList<int> kernel)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(kernel);
        if (x.dim() != 4)
        {
            throw new ArgumentException($"resampling expects [B, C, H, W], got {Shapes.Format(x)}", nameof(x));
        }
        if (kernel.Count < 2 || kernel.Sum() == 0)
        {
            throw new ArgumentException($"the FIR kernel needs at least 2 taps and a non-zero sum, got [{string.Join(", ", kernel)}]", nameof(kernel));
        }
    }

    private static void CheckEven(Tensor x)
    {
        if (x.shape[2] % 2 != 0 || x.shape[3] % 2 != 0)
        {
            throw new ArgumentException($"down-sampling by 2 needs even H and W, got {Shapes.Format(x)}", nameof(x));
        }
    }
}
