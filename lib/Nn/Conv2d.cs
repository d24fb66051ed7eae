using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>A 2-D convolution (<c>torch.nn.Conv2d</c>): parameters <c>weight</c> [out, in / groups, kh, kw] and <c>bias</c> [out].</summary>
/// <remarks>
/// y[n, o] = b[o] + sum_i W[o, i] * x[n, i] (cross-correlation). Initialised as PyTorch does: W and b ~ U(-1/sqrt(fan_in),
/// 1/sqrt(fan_in)) with fan_in = in / groups * kh * kw.
/// </remarks>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    /// <summary>A convolution from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    public Conv2d(long inChannels, long outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        long groups = 1, bool bias = true, DType dtype = DType.Float32, Device? device = null)
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
        Dilation = dilation ?? 1;
        Groups = groups;
        using var outside = TensorScope.Outside();
        var w = Torch.Empty([outChannels, inChannels / groups, kernelSize.Height, kernelSize.Width], dtype, device);
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

    /// <summary>Zero padding on each side.</summary>
    public Size2 Padding { get; }

    /// <summary>Kernel dilation.</summary>
    public Size2 Dilation { get; }

    /// <summary>Channel groups.</summary>
    public long Groups { get; }

    /// <summary>The kernel, [out, in / groups, kh, kw].</summary>
    public Tensor Weight => GetParameter("weight")!;

    /// <summary>The bias, [out], or null.</summary>
    public Tensor? Bias => GetParameter("bias");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 4 || input.Size(1) != InChannels)
        {
            throw new ArgumentException($"Conv2d({InChannels}, {OutChannels}) expects input [N, {InChannels}, H, W], got shape {Tensor.FormatShape(input.Shape)}", nameof(input));
        }
        return Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
    }
}
