using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>An affine map of the last dimension (<c>torch.nn.Linear</c>): parameters <c>weight</c> [out, in] and <c>bias</c> [out].</summary>
/// <remarks>
/// y = x W^T + b. Initialised as PyTorch does: W ~ U(-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform with a = sqrt(5)),
/// b ~ U(-1/sqrt(in), 1/sqrt(in)).
/// </remarks>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>A layer from <paramref name="inFeatures"/> to <paramref name="outFeatures"/> features.</summary>
    public Linear(long inFeatures, long outFeatures, bool bias = true, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        using var outside = TensorScope.Outside();
        var w = Torch.Empty([outFeatures, inFeatures], dtype, device);
        var b = bias ? Torch.Empty([outFeatures], dtype, device) : null;
        Init.DefaultLayer(w, b);
        RegisterParameter("weight", w);
        RegisterParameter("bias", b);
    }

    /// <summary>The size of each input's last dimension.</summary>
    public long InFeatures { get; }

    /// <summary>The size of each output's last dimension.</summary>
    public long OutFeatures { get; }

    /// <summary>The weight W, [out, in].</summary>
    public Tensor Weight => GetParameter("weight")!;

    /// <summary>The bias b, [out], or null.</summary>
    public Tensor? Bias => GetParameter("bias");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        long last = input.Size(-1);
        if (last != InFeatures)
        {
            throw new ArgumentException($"Linear({InFeatures}, {OutFeatures}) expects inputs whose last dimension is {InFeatures}, got shape {Tensor.FormatShape(input.Shape)}", nameof(input));
        }
        return Functional.Linear(input, Weight, Bias);
    }
}
