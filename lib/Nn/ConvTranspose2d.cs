using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>
/// A transposed 2-D convolution (<c>torch.nn.ConvTranspose2d</c>): parameters <c>weight</c> [in, out / groups, kh, kw] and
/// <c>bias</c> [out]. Output size: (H - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1.
/// </summary>
/// <remarks>Initialised as PyTorch does, with fan_in taken from weight dimension 1: fan_in = out / groups * kh * kw.</remarks>
public sealed class ConvTranspose2d : ConvLayer2d
{
    /// <summary>A transposed convolution from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    public ConvTranspose2d(long inChannels, long outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? outputPadding = null,
        long groups = 1, bool bias = true, Size2? dilation = null, DType dtype = DType.Float32, Device? device = null)
        : base(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias,
            (i, o, g) => [i, o / g, kernelSize.Height, kernelSize.Width], dtype, device)
    {
        OutputPadding = outputPadding ?? 0;
    }

    /// <summary>Extra size added to one side of the output.</summary>
    public Size2 OutputPadding { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        CheckInput(input);
        return Functional.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);
    }
}
