using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Engine;

/// <summary>
/// Channels-last ("NHWC") layout for [B, C, H, W] tensors: the shape stays NCHW, the strides put the channels innermost
/// (TorchSharp 0.107 has no <c>memory_format</c> argument; LibTorch infers the layout from the strides). Convolutions on such
/// input take oneDNN's NHWC kernels, which <see cref="Convolutions"/> relies on.
/// </summary>
/// <remarks>
/// Convolutions, SiLU, dropout, broadcasting adds and <c>cat</c> of channels-last inputs keep the layout; <c>cat</c> of mixed
/// layouts returns NCHW. LibTorch 2.10's channels-last GroupNorm is 25 to 40 times slower than its NCHW one on this machine,
/// which is why the course's models keep NCHW feature maps and use this layout only inside <see cref="Convolutions.Apply"/>.
/// </remarks>
public static class ChannelsLast
{
    /// <summary>
    /// True when <paramref name="x"/> [B, C, H, W] has exactly the channels-last strides [HWC, 1, WC, C] (the batch stride
    /// aside when B = 1), so that LibTorch's layout inference takes the NHWC path. A contiguous one-channel tensor does not
    /// count: LibTorch reads it as NCHW.
    /// </summary>
    public static bool Is(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4)
        {
            return false;
        }
        long c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var s = x.stride();
        return s[1] == 1 && s[3] == c && s[2] == w * c && (x.shape[0] == 1 || s[0] == h * w * c);
    }

    /// <summary>
    /// <paramref name="x"/> [B, C, H, W] with channels-last strides: a new handle to the same data when it already has them,
    /// else a copy (a view for one channel, whose two layouts hold the same bytes). Same values and shape; autograd flows through.
    /// </summary>
    public static Tensor Of(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4)
        {
            throw new ArgumentException($"channels-last needs a [B, C, H, W] tensor, got [{string.Join(", ", x.shape)}]", nameof(x));
        }
        if (Is(x))
        {
            return x.alias();
        }
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        if (c == 1)
        {
            // contiguous() keeps a one-channel tensor's NCHW strides (they are already dense): restride the same bytes.
            var dense = x.contiguous();
            return dense.as_strided([b, 1, h, w], [h * w, 1, w, 1], dense.storage_offset()).MoveToOuterDisposeScope();
        }
        return x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }
}
