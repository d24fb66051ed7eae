using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// The residual block of the DDPM UNet, conditioned on the time embedding. Children: <c>norm1</c>, <c>conv1</c>,
/// <c>temb_proj</c>, <c>norm2</c>, <c>dropout</c>, <c>conv2</c> and, when the channels change, <c>skip</c> (a 1×1 convolution).
/// </summary>
/// <remarks>
/// h = conv1(SiLU(GroupNorm(x))) + temb_proj(SiLU(e))[:, :, None, None];
/// h = conv2(dropout(SiLU(GroupNorm(h))));
/// y = skip(x) + h (skip is the identity when the channels do not change).
/// The convolutions run through <see cref="Convolutions.Apply"/>.
/// </remarks>
public sealed class ResBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm _norm1, _norm2;
    private readonly Conv2d _conv1, _conv2;
    private readonly Linear _timeProjection;
    private readonly UniformDropout _dropout;
    private readonly Conv2d? _skip;

    /// <summary>A block from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="timeEmbeddingDim">The width of the time embedding e.</param>
    /// <param name="dropout">Dropout probability before the second convolution.</param>
    /// <param name="groups">A function giving the GroupNorm group count for a channel count.</param>
    public ResBlock(long inChannels, long outChannels, long timeEmbeddingDim, double dropout, Func<long, int> groups) : base(nameof(ResBlock))
    {
        ArgumentNullException.ThrowIfNull(groups);
        InChannels = inChannels;
        OutChannels = outChannels;
        _norm1 = Layers.GroupNorm(groups(inChannels), inChannels);
        _conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        _timeProjection = nn.Linear(timeEmbeddingDim, outChannels);
        _norm2 = Layers.GroupNorm(groups(outChannels), outChannels);
        _dropout = new UniformDropout(dropout);
        _conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1);
        register_module("norm1", _norm1);
        register_module("conv1", _conv1);
        register_module("temb_proj", _timeProjection);
        register_module("norm2", _norm2);
        register_module("dropout", _dropout);
        register_module("conv2", _conv2);
        if (inChannels != outChannels)
        {
            _skip = nn.Conv2d(inChannels, outChannels, 1);
            register_module("skip", _skip);
        }
        TensorAccounting.Settle(this);
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>Applies the block to <paramref name="x"/> [B, Cin, H, W] with the time embedding <paramref name="timeEmbedding"/> [B, D].</summary>
    public override Tensor forward(Tensor x, Tensor timeEmbedding)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(timeEmbedding);
        if (x.dim() != 4 || x.shape[1] != InChannels)
        {
            throw new ArgumentException($"ResBlock({InChannels} -> {OutChannels}) expects x [B, {InChannels}, H, W], got {Shapes.Format(x)}", nameof(x));
        }
        if (timeEmbedding.dim() != 2 || timeEmbedding.shape[0] != x.shape[0] || timeEmbedding.shape[1] != _timeProjection.in_features)
        {
            throw new ArgumentException($"ResBlock expects a time embedding [{x.shape[0]}, {_timeProjection.in_features}] for x {Shapes.Format(x)}, got {Shapes.Format(timeEmbedding)}", nameof(timeEmbedding));
        }
        using var scope = NewDisposeScope();
        var h = Convolutions.Apply(_conv1, nn.functional.silu(_norm1.call(x)));
        h = h + _timeProjection.call(nn.functional.silu(timeEmbedding)).unsqueeze(-1).unsqueeze(-1);
        h = Convolutions.Apply(_conv2, _dropout.call(nn.functional.silu(_norm2.call(h))));
        var skip = _skip is null ? x : Convolutions.Apply(_skip, x);
        return (skip + h).MoveToOuterDisposeScope();
    }

    /// <summary>Children are registered by their state-dict names in the constructor; TorchSharp's by-field registration would add them twice.</summary>
    protected override void RegisterComponents()
    {
    }
}
