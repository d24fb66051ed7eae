using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// Scaled dot-product attention over the pixels of a feature map (Vaswani et al. 2017), for queries, keys and values laid out
/// channels first, [B, heads, d, L] with L = H·W: the one place the course's attention layers compute it.
/// </summary>
/// <remarks>
/// o[:, :, :, i] = Σ_j A[i, j] v[:, :, :, j] with A = softmax_j(q[:, :, :, i] · k[:, :, :, j] / √d).
/// Computed by LibTorch's fused <c>scaled_dot_product_attention</c> (a flash-attention kernel on the CPU, no L × L matrix in
/// memory; bfloat16 under <see cref="Engine.Autocast"/>), which agrees with the explicit softmax to float32 rounding
/// (<c>DotProductAttentionTests</c>).
/// </remarks>
public static class DotProductAttention
{
    /// <summary>The attention output [B, heads, d, L] for <paramref name="q"/>, <paramref name="k"/>, <paramref name="v"/> [B, heads, d, L].</summary>
    public static Tensor ChannelsFirst(Tensor q, Tensor k, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        if (q.dim() != 4 || !q.shape.SequenceEqual(k.shape) || !q.shape.SequenceEqual(v.shape))
        {
            throw new ArgumentException($"attention expects q, k, v of one shape [B, heads, d, L], got {Engine.Shapes.Format(q)}, {Engine.Shapes.Format(k)}, {Engine.Shapes.Format(v)}");
        }
        using var scope = NewDisposeScope();
        var o = nn.functional.scaled_dot_product_attention(q.transpose(-1, -2), k.transpose(-1, -2), v.transpose(-1, -2));
        return o.transpose(-1, -2).MoveToOuterDisposeScope();
    }

    /// <summary>The same attention written out (A materialised): the reference the tests compare the fused kernel with.</summary>
    public static Tensor Explicit(Tensor q, Tensor k, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        using var scope = NewDisposeScope();
        var scores = q.transpose(-1, -2).matmul(k).mul_(1.0 / Math.Sqrt(q.shape[^2]));   // [B, heads, L, L]: qᵀk / √d
        return v.matmul(scores.softmax(-1).transpose(-1, -2)).MoveToOuterDisposeScope();
    }
}
