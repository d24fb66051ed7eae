using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>Group normalisation (<c>torch.nn.GroupNorm</c>): parameters <c>weight</c> (ones) and <c>bias</c> (zeros), [C].</summary>
/// <remarks>
/// The C channels are split into G groups; each group of each sample is normalised over its channels and pixels:
/// y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c] (biased variance).
/// </remarks>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    /// <summary>Normalises <paramref name="numChannels"/> channels in <paramref name="numGroups"/> groups.</summary>
    public GroupNorm(long numGroups, long numChannels, double eps = 1e-5, bool affine = true, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numGroups);
        if (numChannels % numGroups != 0)
        {
            throw new ArgumentException($"num_channels ({numChannels}) must be divisible by num_groups ({numGroups})", nameof(numChannels));
        }
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        using var outside = TensorScope.Outside();
        RegisterParameter("weight", affine ? Torch.Ones([numChannels], dtype, device) : null);
        RegisterParameter("bias", affine ? Torch.Zeros([numChannels], dtype, device) : null);
    }

    /// <summary>Groups G.</summary>
    public long NumGroups { get; }

    /// <summary>Channels C.</summary>
    public long NumChannels { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Per-channel scale, or null without affine parameters.</summary>
    public Tensor? Weight => GetParameter("weight");

    /// <summary>Per-channel shift, or null without affine parameters.</summary>
    public Tensor? Bias => GetParameter("bias");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Dim < 2 || input.Size(1) != NumChannels)
        {
            throw new ArgumentException($"GroupNorm({NumGroups}, {NumChannels}) expects input [N, {NumChannels}, ...], got shape {Tensor.FormatShape(input.Shape)}", nameof(input));
        }
        return Functional.GroupNorm(input, NumGroups, Weight, Bias, Eps);
    }
}
