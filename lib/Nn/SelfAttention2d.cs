using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>
/// Multi-head self-attention over the pixels of a feature map, with a residual connection (the attention block of
/// the DDPM UNet). Children: <c>norm</c> (GroupNorm), <c>qkv</c> (1x1 conv, C to 3C), <c>proj</c> (1x1 conv, C to C).
/// </summary>
/// <remarks>
/// h = GroupNorm(x); [q, k, v] = qkv(h) split into thirds along channels, each viewed as [B, heads, d, HW] (d = C / heads);
/// A = softmax(q^T k / sqrt(d)) over keys, [B, heads, HW, HW]; o[:, :, :, i] = sum_j A[i, j] v[:, :, :, j];
/// y = x + proj(o viewed as [B, C, H, W]).
/// </remarks>
public sealed class SelfAttention2d : Module<Tensor, Tensor>
{
    private readonly GroupNorm _norm;
    private readonly Conv2d _qkv;
    private readonly Conv2d _proj;

    /// <summary>Attention over <paramref name="channels"/> channels split into <paramref name="numHeads"/> heads.</summary>
    public SelfAttention2d(long channels, long numHeads = 1, long numGroups = 8, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numHeads);
        if (channels % numHeads != 0)
        {
            throw new ArgumentException($"channels ({channels}) must be divisible by the number of heads ({numHeads})", nameof(channels));
        }
        Channels = channels;
        NumHeads = numHeads;
        _norm = RegisterModule("norm", new GroupNorm(numGroups, channels, dtype: dtype, device: device));
        _qkv = RegisterModule("qkv", new Conv2d(channels, 3 * channels, 1, dtype: dtype, device: device));
        _proj = RegisterModule("proj", new Conv2d(channels, channels, 1, dtype: dtype, device: device));
    }

    /// <summary>Channels C.</summary>
    public long Channels { get; }

    /// <summary>Attention heads.</summary>
    public long NumHeads { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var shape = input.Shape;
        if (shape.Length != 4 || shape[1] != Channels)
        {
            throw new ArgumentException($"SelfAttention2d({Channels}) expects input [B, {Channels}, H, W], got shape {Tensor.FormatShape(shape)}", nameof(input));
        }
        long b = shape[0], h = shape[2], w = shape[3], d = Channels / NumHeads;
        using var scope = new TensorScope();
        var qkv = _qkv.Forward(_norm.Forward(input)).Reshape(b, 3, NumHeads, d, h * w);
        var q = qkv.Select(1, 0);
        var k = qkv.Select(1, 1);
        var v = qkv.Select(1, 2);
        var scores = q.Transpose(-1, -2).MatMul(k).Mul_(1.0 / Math.Sqrt(d));      // [B, heads, HW, HW]
        var attention = Functional.Softmax(scores, -1);
        var o = v.MatMul(attention.Transpose(-1, -2)).Reshape(b, Channels, h, w);  // [B, heads, d, HW] -> [B, C, H, W]
        return scope.Keep(input + _proj.Forward(o));
    }
}
