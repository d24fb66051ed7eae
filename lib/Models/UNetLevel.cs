using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Models;

/// <summary>
/// One resolution level of the <see cref="UNet"/> (on the way down or up): residual blocks <c>res.j</c>, each followed by a
/// self-attention block <c>attn.j</c> when the level's resolution is an attention resolution, and an optional resampling
/// (<c>downsample</c> or <c>upsample</c>). The UNet drives the blocks itself because the way up concatenates skips.
/// </summary>
public sealed class UNetLevel : Module
{
    /// <summary>Builds a level from its parts; <paramref name="attention"/> is empty or as long as <paramref name="blocks"/>.</summary>
    public UNetLevel(IEnumerable<ResBlock> blocks, IEnumerable<SelfAttention2d> attention, Downsample? downsample = null, Upsample? upsample = null)
    {
        Blocks = RegisterModule("res", new ModuleList<ResBlock>(blocks));
        Attention = RegisterModule("attn", new ModuleList<SelfAttention2d>(attention));
        if (Attention.Count != 0 && Attention.Count != Blocks.Count)
        {
            throw new ArgumentException($"a level needs no attention block or one per residual block ({Blocks.Count}), got {Attention.Count}");
        }
        if (downsample is not null)
        {
            Downsample = RegisterModule("downsample", downsample);
        }
        if (upsample is not null)
        {
            Upsample = RegisterModule("upsample", upsample);
        }
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
        var h = Blocks[j].Forward(x, timeEmbedding);
        if (Attention.Count == 0)
        {
            return h;
        }
        using (h)
        {
            return Attention[j].Forward(h);
        }
    }
}
