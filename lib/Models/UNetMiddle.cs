using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>The bottleneck of the <see cref="UNet"/>: <c>res1</c>, <c>attn</c>, <c>res2</c> at the lowest resolution.</summary>
public sealed class UNetMiddle : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ResBlock _res1, _res2;
    private readonly SelfAttention2d _attention;

    /// <summary>A middle block of <paramref name="channels"/> channels.</summary>
    public UNetMiddle(long channels, long timeEmbeddingDim, double dropout, int heads, Func<long, int> groups) : base(nameof(UNetMiddle))
    {
        ArgumentNullException.ThrowIfNull(groups);
        _res1 = new ResBlock(channels, channels, timeEmbeddingDim, dropout, groups);
        _attention = new SelfAttention2d(channels, heads, groups(channels));
        _res2 = new ResBlock(channels, channels, timeEmbeddingDim, dropout, groups);
        register_module("res1", _res1);
        register_module("attn", _attention);
        register_module("res2", _res2);
        TensorAccounting.Settle(this);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x, Tensor timeEmbedding)
    {
        using var scope = NewDisposeScope();
        var h = _res1.call(x, timeEmbedding);
        h = _attention.call(h);
        return _res2.call(h, timeEmbedding).MoveToOuterDisposeScope();
    }

    /// <summary>Children are registered by their state-dict names in the constructor; TorchSharp's by-field registration would add them twice.</summary>
    protected override void RegisterComponents()
    {
    }
}
