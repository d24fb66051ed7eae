using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Engine;

/// <summary>
/// Runs a <see cref="Conv2d"/> so that LibTorch 2.10's oneDNN kernels give right answers on the CPU, in float32 and in
/// bfloat16 (<see cref="Autocast"/>): the course's models call their convolutions through <see cref="Apply"/>.
/// </summary>
/// <remarks>
/// Measured on this machine (AVX-512), batch &gt; 1, against float64 (<c>ConvolutionsTests</c> keeps the evidence):
/// <list type="bullet">
/// <item>float32, NCHW: oneDNN's convolution returns wrong values, errors of order 10 rather than rounding, when it lays
/// channels out in blocks of 16 (8 with <c>ONEDNN_MAX_CPU_ISA=AVX2</c>) and a channel count is not a multiple of the block.
/// The output is wrong when there are more input channels than a block and they are not a multiple of it (e.g. [2, 24, 5, 5]
/// → 16 channels, 3×3), the input gradient when the output channels are not a multiple of it (e.g. the 32 → 1 output
/// convolution of a grey-image UNet, whose gradient every other layer's training depends on): 168 of 1,260 shapes tried.
/// Weight gradients, float64 and batch 1 are right. The NHWC path is right for every shape tried.</item>
/// <item>bfloat16: NCHW is wrong for most channel counts that are not multiples of 16 (24 → 16, 40 → 32, 32 → 1: output or
/// input gradient off by 30 % to 100 %, some infinite); NHWC is right when there are at least 3 input and 8 output channels,
/// and wrong in both layouts for one input channel or fewer than 8 output channels (the UNet's first and last convolutions).
/// Both-multiples-of-16 NCHW shapes are right.</item>
/// </list>
/// NCHW is otherwise the fast layout here: LibTorch's channels-last GroupNorm, which follows every convolution of the UNet,
/// is 20 to 40 times slower than its NCHW one, and a layout conversion around each convolution costs more than NHWC saves.
/// So <see cref="Apply"/> runs, on the CPU:
/// <list type="bullet">
/// <item>in float32 (float32 input, no bfloat16 <see cref="Autocast"/>): the layer as it is when neither wrong case can arise
/// (input channels a multiple of 16 or at most 8; output channels a multiple of 16 or no input gradient wanted); with one
/// input channel, with the output channels padded by zero filters to a multiple of 16 and cut back (its input gradient is
/// wrong in both layouts otherwise); else on a <see cref="ChannelsLast"/> copy of the input, the result made contiguous NCHW;</item>
/// <item>in bfloat16 (bfloat16 input, or float32 input inside a bfloat16 <see cref="Autocast"/> block): with fewer than
/// <see cref="BFloat16MinChannels"/> input or output channels in float32 as above (autocast off for the call; the result is
/// float32, or bfloat16 for a bfloat16 input); with both channel counts multiples of 16, or a channels-last input, the layer
/// as it is; else on a channels-last copy, the result made contiguous NCHW.</item>
/// </list>
/// On GPUs and for other dtypes the layer runs as it is. Each path computes the same convolution; results differ from a
/// plain call in the last bits only.
/// </remarks>
public static class Convolutions
{
    /// <summary>The channel block of oneDNN's AVX-512 kernels (a multiple of the AVX2 kernels' 8).</summary>
    public const int Block = 16;

    /// <summary>The fewest input and output channels a bfloat16 convolution is run with (fewer: it runs in float32).</summary>
    public const int BFloat16MinChannels = 8;

    /// <summary><paramref name="conv"/> applied to <paramref name="input"/> [B, C_in, H, W], avoiding oneDNN's wrong cases (see the class's remarks).</summary>
    public static Tensor Apply(Conv2d conv, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(conv);
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != conv.in_channels)
        {
            throw new ArgumentException($"Conv2d({conv.in_channels} -> {conv.out_channels}) expects input [B, {conv.in_channels}, H, W], got {Shapes.Format(input)}", nameof(input));
        }
        if (input.device_type != DeviceType.CPU)
        {
            return conv.call(input);
        }
        var computeType = input.dtype == ScalarType.Float32 && Autocast.Current == Precision.BFloat16 ? ScalarType.BFloat16 : input.dtype;
        return computeType switch
        {
            ScalarType.Float32 => Float32(conv, input, conv.weight, conv.bias),
            ScalarType.BFloat16 => BFloat16(conv, input),
            _ => conv.call(input),
        };
    }

    private static Tensor BFloat16(Conv2d conv, Tensor input)
    {
        long cin = conv.in_channels, cout = conv.out_channels;
        using var scope = NewDisposeScope();
        if (cin < BFloat16MinChannels || cout < BFloat16MinChannels)
        {
            using var float32 = Autocast.Enter(Precision.Float32);
            var y = Float32(conv, input.to(ScalarType.Float32), conv.weight.to(ScalarType.Float32), conv.bias?.to(ScalarType.Float32));
            return (input.dtype == ScalarType.BFloat16 ? y.to(ScalarType.BFloat16) : y).MoveToOuterDisposeScope();
        }
        if ((cin % Block == 0 && cout % Block == 0) || ChannelsLast.Is(input))
        {
            return conv.call(input).MoveToOuterDisposeScope();
        }
        return conv.call(ChannelsLast.Of(input)).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The float32 convolution of <paramref name="input"/> with <paramref name="weight"/> and <paramref name="bias"/> (conv's own or float32 copies).</summary>
    private static Tensor Float32(Conv2d conv, Tensor input, Tensor weight, Tensor? bias)
    {
        long cin = conv.in_channels, cout = conv.out_channels;
        bool outputRight = cin % Block == 0 || cin <= 8;
        bool inputGradientRight = cout % Block == 0 || !(is_grad_enabled() && input.requires_grad);
        using var scope = NewDisposeScope();
        if (outputRight && inputGradientRight)
        {
            return Convolve(conv, input, weight, bias).MoveToOuterDisposeScope();
        }
        if (cin == 1 && conv.groups == 1 && conv.padding_mode == PaddingModes.Zeros && conv.padding is not null)
        {
            return PaddedOutputs(conv, input, weight, bias).MoveToOuterDisposeScope();
        }
        return Convolve(conv, ChannelsLast.Of(input), weight, bias).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The layer's convolution with the given weight and bias (the layer itself when they are its own).</summary>
    private static Tensor Convolve(Conv2d conv, Tensor input, Tensor weight, Tensor? bias) =>
        ReferenceEquals(weight, conv.weight) ? conv.call(input)
            : nn.functional.conv2d(Padded(conv, input), weight, bias, conv.stride, conv.padding_mode == PaddingModes.Zeros ? conv.padding : [0, 0], conv.dilation, conv.groups);

    /// <summary>The input padded as the layer's non-zero padding mode does (reflect, replicate, circular); zero padding happens in the convolution.</summary>
    private static Tensor Padded(Conv2d conv, Tensor input)
    {
        if (conv.padding_mode == PaddingModes.Zeros || conv.padding is null)
        {
            return input;
        }
        long ph = conv.padding[0], pw = conv.padding[1];
        return nn.functional.pad(input, [pw, pw, ph, ph], conv.padding_mode);
    }

    /// <summary>The convolution with zero filters appended up to a multiple of <see cref="Block"/> output channels, then cut back.</summary>
    private static Tensor PaddedOutputs(Conv2d conv, Tensor input, Tensor weight, Tensor? bias)
    {
        long cout = conv.out_channels, padded = (cout + Block - 1) / Block * Block;
        if (padded != cout)
        {
            var k = weight.shape;
            weight = cat([weight, zeros([padded - cout, k[1], k[2], k[3]], weight.dtype, weight.device)], 0);
            bias = bias is null ? null : cat([bias, zeros([padded - cout], bias.dtype, bias.device)], 0);
        }
        var y = nn.functional.conv2d(input, weight, bias, conv.stride, conv.padding, conv.dilation, conv.groups);
        return padded == cout ? y : y.narrow(1, 0, cout).contiguous();
    }
}
