using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// Nearest-neighbour upsampling followed by a 3×3 convolution (child <c>conv</c>). <see cref="forward(Tensor)"/> doubles H and W;
/// <see cref="Forward(Tensor, long, long)"/> goes to a given size of at most twice the input's (the size of the skip it is
/// joined with, which for odd sizes is 2H − 1).
/// </summary>
/// <remarks>
/// Nearest interpolation from H to 2H repeats every pixel twice, and from H to 2H − 1 it picks source pixel ⌊i H / (2H − 1)⌋ = ⌊i / 2⌋
/// for i &lt; 2H − 1: the first 2H − 1 rows of the doubled map. Both are computed by <see cref="Nearest2x"/> (a broadcast copy,
/// then a view), which gives exactly <c>interpolate(mode: nearest)</c>'s values without its slow NCHW kernel.
/// </remarks>
public sealed class Upsample : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;

    /// <summary>An upsampling of <paramref name="channels"/> channels.</summary>
    public Upsample(long channels) : base(nameof(Upsample))
    {
        Channels = channels;
        _conv = nn.Conv2d(channels, channels, 3, padding: 1);
        register_module("conv", _conv);
        TensorAccounting.Settle(this);
    }

    /// <summary>Channels C.</summary>
    public long Channels { get; }

    /// <summary>Doubles the height and width of <paramref name="input"/> [B, C, H, W] and convolves.</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Check(input);
        return Forward(input, 2 * input.shape[2], 2 * input.shape[3]);
    }

    /// <summary>Upsamples <paramref name="input"/> [B, C, H, W] to [B, C, <paramref name="height"/>, <paramref name="width"/>] and convolves.</summary>
    /// <param name="input">The feature map.</param>
    /// <param name="height">The output height: 2H or 2H − 1.</param>
    /// <param name="width">The output width: 2W or 2W − 1.</param>
    public Tensor Forward(Tensor input, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(input);
        Check(input);
        using var scope = NewDisposeScope();
        return Convolutions.Apply(_conv, Nearest2x(input, height, width)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Nearest-neighbour upsampling of [B, C, H, W] to [B, C, <paramref name="height"/>, <paramref name="width"/>] with
    /// 2H − 1 ≤ height ≤ 2H and 2W − 1 ≤ width ≤ 2W: equal to <c>nn.functional.interpolate(x, size, mode: Nearest)</c>.
    /// Keeps the input's layout: a channels-last input gives a channels-last result (each pixel's channel vector is copied
    /// as a block), any other a contiguous NCHW one.
    /// </summary>
    public static Tensor Nearest2x(Tensor input, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4)
        {
            throw new ArgumentException($"nearest upsampling expects [B, C, H, W], got {Shapes.Format(input)}", nameof(input));
        }
        long b = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
        if (height < 2 * h - 1 || height > 2 * h || width < 2 * w - 1 || width > 2 * w)
        {
            throw new ArgumentException($"nearest 2x upsampling of {Shapes.Format(input)} goes to {2 * h - 1} or {2 * h} rows and {2 * w - 1} or {2 * w} columns, not {height} x {width}");
        }
        using var scope = NewDisposeScope();
        Tensor doubled;
        if (ChannelsLast.Is(input))
        {
            // The NHWC view [B, H, 1, W, 1, C] broadcast to [B, H, 2, W, 2, C]: one copy by reshape, back to an NCHW view.
            doubled = input.permute(0, 2, 3, 1).unsqueeze(2).unsqueeze(4).expand(b, h, 2, w, 2, c).reshape(b, 2 * h, 2 * w, c).permute(0, 3, 1, 2);
        }
        else
        {
            // [B, C, H, 1, W, 1] broadcast to [B, C, H, 2, W, 2]: one copy by reshape, every pixel repeated twice along each axis.
            doubled = input.unsqueeze(3).unsqueeze(5).expand(b, c, h, 2, w, 2).reshape(b, c, 2 * h, 2 * w);
        }
        if (height != 2 * h)
        {
            doubled = doubled.narrow(2, 0, height);
        }
        if (width != 2 * w)
        {
            doubled = doubled.narrow(3, 0, width);
        }
        return doubled.MoveToOuterDisposeScope();
    }

    private void Check(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != Channels)
        {
            throw new ArgumentException($"Upsample({Channels}) expects input [B, {Channels}, H, W], got {Shapes.Format(input)}", nameof(input));
        }
    }

    /// <summary>The child is registered by its state-dict name in the constructor; TorchSharp's by-field registration would add it twice.</summary>
    protected override void RegisterComponents()
    {
    }
}
