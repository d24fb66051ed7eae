using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Models;

/// <summary>
/// The residual block of the DDPM UNet, conditioned on the time embedding. Children: <c>norm1</c>, <c>conv1</c>,
/// <c>temb_proj</c>, <c>norm2</c>, <c>dropout</c>, <c>conv2</c> and, when the channels change, <c>skip</c> (a 1×1 convolution).
/// </summary>
/// <remarks>
/// h = conv1(SiLU(GroupNorm(x))) + temb_proj(SiLU(e))[:, :, None, None];
/// h = conv2(dropout(SiLU(GroupNorm(h))));
/// y = skip(x) + h (skip is the identity when the channels do not change).
/// </remarks>
public sealed class ResBlock : Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm _norm1, _norm2;
    private readonly Conv2d _conv1, _conv2;
    private readonly Linear _timeProjection;
    private readonly Dropout _dropout;
    private readonly Conv2d? _skip;

    /// <summary>A block from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="timeEmbeddingDim">The width of the time embedding e.</param>
    /// <param name="dropout">Dropout probability before the second convolution.</param>
    /// <param name="groups">A function giving the GroupNorm group count for a channel count.</param>
    public ResBlock(long inChannels, long outChannels, long timeEmbeddingDim, double dropout, Func<long, int> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        InChannels = inChannels;
        OutChannels = outChannels;
        _norm1 = RegisterModule("norm1", new GroupNorm(groups(inChannels), inChannels));
        _conv1 = RegisterModule("conv1", new Conv2d(inChannels, outChannels, 3, padding: 1));
        _timeProjection = RegisterModule("temb_proj", new Linear(timeEmbeddingDim, outChannels));
        _norm2 = RegisterModule("norm2", new GroupNorm(groups(outChannels), outChannels));
        _dropout = RegisterModule("dropout", new Dropout(dropout));
        _conv2 = RegisterModule("conv2", new Conv2d(outChannels, outChannels, 3, padding: 1));
        if (inChannels != outChannels)
        {
            _skip = RegisterModule("skip", new Conv2d(inChannels, outChannels, 1));
        }
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>Applies the block to <paramref name="x"/> [B, Cin, H, W] with the time embedding <paramref name="timeEmbedding"/> [B, D].</summary>
    public override Tensor Forward(Tensor x, Tensor timeEmbedding)
    {
        using var scope = new TensorScope();
        var h = _conv1.Forward(_norm1.Forward(x).Silu());
        h = h + _timeProjection.Forward(timeEmbedding.Silu()).Unsqueeze(-1).Unsqueeze(-1);
        h = _conv2.Forward(_dropout.Forward(_norm2.Forward(h).Silu()));
        var skip = _skip is null ? x : _skip.Forward(x);
        return scope.Keep(skip + h);
    }
}
