using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// One resolution level of the <see cref="UNet"/> (on the way down or up): residual blocks <c>res.j</c>, each followed by a
/// self-attention block <c>attn.j</c> when the level's resolution is an attention resolution, and an optional resampling
/// (<c>downsample</c> or <c>upsample</c>). The UNet drives the blocks itself because the way up concatenates skips.
/// </summary>
public sealed class UNetLevel : nn.Module
{
    /// <summary>Builds a level from its parts; <paramref name="attention"/> is empty or as long as <paramref name="blocks"/>.</summary>
    public UNetLevel(IEnumerable<ResBlock> blocks, IEnumerable<SelfAttention2d> attention, Downsample? downsample = null, Upsample? upsample = null)
        : base(nameof(UNetLevel))
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(attention);
        Blocks = nn.ModuleList(blocks.ToArray());
        Attention = nn.ModuleList(attention.ToArray());
        if (Attention.Count != 0 && Attention.Count != Blocks.Count)
        {
            throw new ArgumentException($"a level needs no attention block or one per residual block ({Blocks.Count}), got {Attention.Count}");
        }
        register_module("res", Blocks);
        register_module("attn", Attention);
        if (downsample is not null)
        {
            Downsample = downsample;
            register_module("downsample", downsample);
        }
        if (upsample is not null)
        {
            Upsample = upsample;
            register_module("upsample", upsample);
        }
        TensorAccounting.Settle(this);
    }

    /// <summary>The residual blocks.</summary>
    public ModuleList<ResBlock> Blocks { get; }

    /// <summary>The attention blocks (empty when the level has none).</summary>
    public ModuleList<SelfAttention2d> Attention { get; }

    /// <summary>The downsampling at the end of a level on the way down (null at the lowest level and on the way up).</summary>
    public Downsample? Downsample { get; }

    /// <summary>The upsampling at the end of a level on the way up (null at the highest level and on the way down).</summary>
    public Upsample? Upsample { get; }

    /// <summary>Residual block <paramref name="j"/> followed by its attention block, if any.</summary>
    public Tensor Block(int j, Tensor x, Tensor timeEmbedding)
    {
        if (Attention.Count == 0)
        {
            return Blocks[j].call(x, timeEmbedding);
        }
        using var h = Blocks[j].call(x, timeEmbedding);
        return Attention[j].call(h);
    }

    /// <summary>Children are registered by their state-dict names in the constructor; TorchSharp's by-field registration would add them twice.</summary>
    protected override void RegisterComponents()
    {
    }
}
