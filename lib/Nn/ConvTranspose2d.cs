using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>
/// A transposed 2-D convolution (<c>torch.nn.ConvTranspose2d</c>): parameters <c>weight</c> [in, out / groups, kh, kw] and
/// <c>bias</c> [out]. Output size: (H - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1.
/// </summary>
/// <remarks>Initialised as PyTorch does, with fan_in taken from weight dimension 1: fan_in = out / groups * kh * kw.</remarks>
public sealed class ConvTranspose2d : Module<Tensor, Tensor>
{
    /// <summary>A transposed convolution from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    public ConvTranspose2d(long inChannels, long outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? outputPadding = null,
        long groups = 1, bool bias = true, Size2? dilation = null, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        if (inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"in_channels ({inChannels}) and out_channels ({outChannels}) must both be divisible by groups ({groups})");
        }
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        OutputPadding = outputPadding ?? 0;
        Dilation = dilation ?? 1;
        Groups = groups;
        using var outside = TensorScope.Outside();
        var w = Torch.Empty([inChannels, outChannels / groups, kernelSize.Height, kernelSize.Width], dtype, device);
        var b = bias ? Torch.Empty([outChannels], dtype, device) : null;
        Init.DefaultLayer(w, b);
        RegisterParameter("weight", w);
        RegisterParameter("bias", b);
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>Kernel height and width.</summary>
    public Size2 KernelSize { get; }

    /// <summary>Stride.</summary>
    public Size2 Stride { get; }

    /// <summary>Implicit padding removed from each side of the output.</summary>
    public Size2 Padding { get; }

    /// <summary>Extra size added to one side of the output.</summary>
    public Size2 OutputPadding { get; }

    /// <summary>Kernel dilation.</summary>
    public Size2 Dilation { get; }

    /// <summary>Channel groups.</summary>
    public long Groups { get; }

    /// <summary>The kernel, [in, out / groups, kh, kw].</summary>
    public Tensor Weight => GetParameter("weight")!;

    /// <summary>The bias, [out], or null.</summary>
    public Tensor? Bias => GetParameter("bias");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 4 || input.Size(1) != InChannels)
        {
            throw new ArgumentException($"ConvTranspose2d({InChannels}, {OutChannels}) expects input [N, {InChannels}, H, W], got shape {Tensor.FormatShape(input.Shape)}", nameof(input));
        }
        return Functional.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);
    }
}
