using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// Multi-head self-attention over the pixels of a feature map, with a residual connection (the attention block of
/// the DDPM UNet). Children: <c>norm</c> (GroupNorm), <c>qkv</c> (1×1 conv, C to 3C), <c>proj</c> (1×1 conv, C to C).
/// </summary>
/// <remarks>
/// h = GroupNorm(x); [q, k, v] = qkv(h) split into thirds along channels, each viewed as [B, heads, d, HW] (d = C / heads);
/// o = <see cref="DotProductAttention.ChannelsFirst"/>(q, k, v), o[:, :, :, i] = Σ_j softmax_j(qᵢ · k_j / √d) v[:, :, :, j];
/// y = x + proj(o viewed as [B, C, H, W]). The convolutions run through <see cref="Convolutions.Apply"/>.
/// </remarks>
public sealed class SelfAttention2d : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm _norm;
    private readonly Conv2d _qkv;
    private readonly Conv2d _proj;

    /// <summary>Attention over <paramref name="channels"/> channels split into <paramref name="numHeads"/> heads.</summary>
    /// <param name="channels">Channels C of the feature map.</param>
    /// <param name="numHeads">Attention heads (must divide C).</param>
    /// <param name="numGroups">GroupNorm groups (must divide C).</param>
    public SelfAttention2d(long channels, long numHeads = 1, long numGroups = 8) : base(nameof(SelfAttention2d))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numHeads);
        if (channels % numHeads != 0)
        {
            throw new ArgumentException($"channels ({channels}) must be divisible by the number of heads ({numHeads})", nameof(channels));
        }
        Channels = channels;
        NumHeads = numHeads;
        _norm = Layers.GroupNorm(numGroups, channels);
        _qkv = nn.Conv2d(channels, 3 * channels, 1);
        _proj = nn.Conv2d(channels, channels, 1);
        register_module("norm", _norm);
        register_module("qkv", _qkv);
        register_module("proj", _proj);
        TensorAccounting.Settle(this);
    }

    /// <summary>Channels C.</summary>
    public long Channels { get; }

    /// <summary>Attention heads.</summary>
    public long NumHeads { get; }

    /// <summary>Applies attention to <paramref name="input"/> [B, C, H, W]; the result has its shape.</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != Channels)
        {
            throw new ArgumentException($"SelfAttention2d({Channels}) expects input [B, {Channels}, H, W], got {Shapes.Format(input)}", nameof(input));
        }
        long b = input.shape[0], h = input.shape[2], w = input.shape[3], d = Channels / NumHeads;
        using var scope = NewDisposeScope();
        var qkv = Convolutions.Apply(_qkv, _norm.call(input)).reshape(b, 3, NumHeads, d, h * w);
        var o = DotProductAttention.ChannelsFirst(qkv.select(1, 0), qkv.select(1, 1), qkv.select(1, 2)).reshape(b, Channels, h, w);
        return (input + Convolutions.Apply(_proj, o)).MoveToOuterDisposeScope();
    }

    /// <summary>Children are registered by their state-dict names in the constructor; TorchSharp's by-field registration would add them twice.</summary>
    protected override void RegisterComponents()
    {
    }
}
