using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>A 2-D convolution (<c>torch.nn.Conv2d</c>): parameters <c>weight</c> [out, in / groups, kh, kw] and <c>bias</c> [out].</summary>
/// <remarks>
/// y[n, o] = b[o] + sum_i W[o, i] * x[n, i] (cross-correlation). Initialised as PyTorch does: W and b ~ U(-1/sqrt(fan_in),
/// 1/sqrt(fan_in)) with fan_in = in / groups * kh * kw.
/// </remarks>
public sealed class Conv2d : ConvLayer2d
{
    /// <summary>A convolution from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    public Conv2d(long inChannels, long outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        long groups = 1, bool bias = true, DType dtype = DType.Float32, Device? device = null)
        : base(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias,
            (i, o, g) => [o, i / g, kernelSize.Height, kernelSize.Width], dtype, device)
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        CheckInput(input);
        return Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
    }
}
