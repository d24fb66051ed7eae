using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Engine;

/// <summary>
/// Runs a <see cref="Conv2d"/> so that LibTorch 2.10's oneDNN kernels give right answers on the CPU: the course's models call
/// their convolutions through <see cref="Apply"/>.
/// </summary>
/// <remarks>
/// Measured on this machine (AVX-512), float32, batch &gt; 1, contiguous NCHW input (<c>ConvolutionsTests</c> keeps the
/// evidence): oneDNN's convolution returns wrong values, errors of order 10 rather than rounding, when it lays channels out
/// in blocks of 16 (8 with <c>ONEDNN_MAX_CPU_ISA=AVX2</c>) and a channel count is not a multiple of the block. The output
/// is wrong when there are more input channels than a block and they are not a multiple of it (e.g. [2, 24, 5, 5] → 16
/// channels, 3×3), the input gradient when the output channels are not a multiple of it (e.g. the 32 → 1 output convolution
/// of a grey-image UNet, whose gradient every other layer's training depends on): 168 of 1,260 shapes tried. Weight
/// gradients, float64 and batch 1 are right. NCHW is otherwise the fast layout here: LibTorch's channels-last GroupNorm, which
/// follows every convolution of the UNet, is 25 to 40 times slower than its NCHW one. So <see cref="Apply"/> runs:
/// <list type="bullet">
/// <item>when neither case can arise (input channels a multiple of 16 or at most 8; output channels a multiple of 16 or no
/// input gradient wanted), and on GPUs and for other dtypes: the layer as it is;</item>
/// <item>one input channel (a first layer): with the output channels padded by zero filters to a multiple of 16 and cut
/// back, because its input gradient is wrong in both layouts otherwise;</item>
/// <item>otherwise: on a <see cref="ChannelsLast"/> copy of the input (oneDNN's NHWC path is right for every shape tried),
/// the result made contiguous NCHW again.</item>
/// </list>
/// Each path computes the same convolution; float32 results differ from a plain call in the last bits only.
/// </remarks>
public static class Convolutions
{
    /// <summary>The channel block of oneDNN's AVX-512 kernels (a multiple of the AVX2 kernels' 8).</summary>
    public const int Block = 16;

    /// <summary><paramref name="conv"/> applied to <paramref name="input"/> [B, C_in, H, W], avoiding oneDNN's wrong cases (see the class's remarks).</summary>
    public static Tensor Apply(Conv2d conv, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(conv);
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != conv.in_channels)
        {
            throw new ArgumentException($"Conv2d({conv.in_channels} -> {conv.out_channels}) expects input [B, {conv.in_channels}, H, W], got {Shapes.Format(input)}", nameof(input));
        }
        long cin = conv.in_channels, cout = conv.out_channels;
        bool outputRight = cin % Block == 0 || cin <= 8;
        bool inputGradientRight = cout % Block == 0 || !(is_grad_enabled() && input.requires_grad);
        if ((outputRight && inputGradientRight) || input.device_type != DeviceType.CPU || input.dtype != ScalarType.Float32)
        {
            return conv.call(input);
        }
        using var scope = NewDisposeScope();
        if (cin == 1 && conv.groups == 1 && conv.padding_mode == PaddingModes.Zeros && conv.padding is not null)
        {
            return PaddedOutputs(conv, input).MoveToOuterDisposeScope();
        }
        return conv.call(ChannelsLast.Of(input)).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The convolution with zero filters appended up to a multiple of <see cref="Block"/> output channels, then cut back.</summary>
    private static Tensor PaddedOutputs(Conv2d conv, Tensor input)
    {
        long cout = conv.out_channels, padded = (cout + Block - 1) / Block * Block;
        Tensor weight = conv.weight;
        Tensor? bias = conv.bias;
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
