using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>
/// What <see cref="Conv2d"/> and <see cref="ConvTranspose2d"/> share: channel counts, kernel geometry, groups, the input
/// check, and the parameters <c>weight</c> and <c>bias</c> [out] with PyTorch's default initialisation
/// (W and b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = weight.size(1) * kh * kw).
/// </summary>
public abstract class ConvLayer2d : Module<Tensor, Tensor>
{
    /// <summary>Validates the sizes and creates the parameters; <paramref name="weightShape"/> is the layer's kernel layout.</summary>
    private protected ConvLayer2d(long inChannels, long outChannels, Size2 kernelSize, Size2? stride, Size2? padding, Size2? dilation,
        long groups, bool bias, Func<long, long, long, long[]> weightShape, DType dtype, Device? device)
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
        var w = Torch.Empty(weightShape(inChannels, outChannels, groups), dtype, device);
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

    /// <summary>Zero padding on each side (of the input for a convolution, removed from the output for a transposed one).</summary>
    public Size2 Padding { get; }

    /// <summary>Kernel dilation.</summary>
    public Size2 Dilation { get; }

    /// <summary>Channel groups.</summary>
    public long Groups { get; }

    /// <summary>The kernel.</summary>
    public Tensor Weight => GetParameter("weight")!;

    /// <summary>The bias, [out], or null.</summary>
    public Tensor? Bias => GetParameter("bias");

    /// <summary>Throws unless <paramref name="input"/> is [N, in, H, W]; the message names the layer and the shape it got.</summary>
    private protected void CheckInput(Tensor input)
    {
        if (input.Dim != 4 || input.Size(1) != InChannels)
        {
            throw new ArgumentException($"{GetType().Name}({InChannels}, {OutChannels}) expects input [N, {InChannels}, H, W], got shape {Tensor.FormatShape(input.Shape)}", nameof(input));
        }
    }
}
