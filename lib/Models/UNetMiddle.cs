using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Models;

/// <summary>The bottleneck of the <see cref="UNet"/>: <c>res1</c>, <c>attn</c>, <c>res2</c> at the lowest resolution.</summary>
public sealed class UNetMiddle : Module<Tensor, Tensor, Tensor>
{
    private readonly ResBlock _res1, _res2;
    private readonly SelfAttention2d _attention;

    /// <summary>A middle block of <paramref name="channels"/> channels.</summary>
    public UNetMiddle(long channels, long timeEmbeddingDim, double dropout, int heads, Func<long, int> groups)
    {
        _res1 = RegisterModule("res1", new ResBlock(channels, channels, timeEmbeddingDim, dropout, groups));
        _attention = RegisterModule("attn", new SelfAttention2d(channels, heads, groups(channels)));
        _res2 = RegisterModule("res2", new ResBlock(channels, channels, timeEmbeddingDim, dropout, groups));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, Tensor timeEmbedding)
    {
        using var scope = new TensorScope();
        var h = _res1.Forward(x, timeEmbedding);
        h = _attention.Forward(h);
        return scope.Keep(_res2.Forward(h, timeEmbedding));
    }
}
