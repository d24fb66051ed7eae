using Diffusion.Engine;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// NCSN++'s single-head self-attention over the pixels (score_sde_pytorch's <c>AttnBlockpp</c>). Children:
/// <c>GroupNorm_0</c>, <c>NIN_0</c> (q), <c>NIN_1</c> (k), <c>NIN_2</c> (v), <c>NIN_3</c> (output, initialised with the init scale).
/// </summary>
/// <remarks>
/// h = GroupNorm(x); q, k, v = NIN(h); o = <see cref="DotProductAttention.ChannelsFirst"/>(q, k, v) with one head: o_i = Σ_j softmax_j(q_iᵀ k_j / √C) v_j over the H·W pixels;
/// y = (x + NIN_3(o)) / √2 with skip rescaling, x + NIN_3(o) without.
/// </remarks>
public sealed class NcsnPpAttention : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm _norm;
    private readonly Nin _q, _k, _v, _out;
    private readonly bool _skipRescale;

    /// <summary>An attention block over <paramref name="channels"/> channels.</summary>
    public NcsnPpAttention(long channels, bool skipRescale, double initScale) : base(nameof(NcsnPpAttention))
    {
        Channels = channels;
        _skipRescale = skipRescale;
        _norm = Layers.GroupNorm(NcsnPpConfig.GroupsFor(channels), channels, 1e-6);
        _q = new Nin(channels, channels);
        _k = new Nin(channels, channels);
        _v = new Nin(channels, channels);
        _out = new Nin(channels, channels, initScale);
        register_module("GroupNorm_0", _norm);
        register_module("NIN_0", _q);
        register_module("NIN_1", _k);
        register_module("NIN_2", _v);
        register_module("NIN_3", _out);
        TensorAccounting.Settle(this);
    }

    /// <summary>The channels C.</summary>
    public long Channels { get; }

    /// <summary>Applies the block to x [B, C, H, W].</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != Channels)
        {
            throw new ArgumentException($"NcsnPpAttention({Channels}) expects [B, {Channels}, H, W], got {Shapes.Format(input)}", nameof(input));
        }
        long b = input.shape[0], c = Channels, h = input.shape[2], w = input.shape[3];
        using var scope = NewDisposeScope();
        var normed = _norm.call(input);
        var q = _q.call(normed).reshape(b, c, h * w);
        var k = _k.call(normed).reshape(b, c, h * w);
        var v = _v.call(normed).reshape(b, c, h * w);
        var o = DotProductAttention.ChannelsFirst(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1)).reshape(b, c, h, w);
        var y = input + _out.call(o);
        return (_skipRescale ? y / Math.Sqrt(2) : y).MoveToOuterDisposeScope();
    }

    /// <summary>Children are registered by their state-dict names in the constructor.</summary>
    protected override void RegisterComponents()
    {
    }
}
