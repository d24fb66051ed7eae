using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>
/// Random Fourier features of a continuous time (score SDEs, Song et al. 2021): e(t) = [sin(2π t W), cos(2π t W)] with a
/// fixed W ~ N(0, scale^2) of size <c>embeddingSize</c>, kept as the non-trainable parameter <c>W</c> (as in score_sde_pytorch).
/// </summary>
public sealed class GaussianFourierProjection : Module<Tensor, Tensor>
{
    /// <summary>Draws W (size <paramref name="embeddingSize"/>, output 2 * embeddingSize) from N(0, <paramref name="scale"/>^2).</summary>
    public GaussianFourierProjection(long embeddingSize = 256, double scale = 16, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingSize);
        EmbeddingSize = embeddingSize;
        using var outside = TensorScope.Outside();
        var w = Torch.Empty([embeddingSize], dtype, device);
        Init.Normal(w, 0, scale);
        RegisterParameter("W", w, requiresGrad: false);
    }

    /// <summary>The number of frequencies (the output has twice as many features).</summary>
    public long EmbeddingSize { get; }

    /// <summary>The fixed frequencies W.</summary>
    public Tensor W => GetParameter("W")!;

    /// <summary>Embeds times of shape [B] as [B, 2 * embeddingSize].</summary>
    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 1)
        {
            throw new ArgumentException($"GaussianFourierProjection expects times of shape [B], got {Tensor.FormatShape(input.Shape)}", nameof(input));
        }
        using var scope = new TensorScope();
        var args = input.Unsqueeze(1) * W.Unsqueeze(0) * (2 * Math.PI);
        return scope.Keep(Torch.Cat([args.Sin(), args.Cos()], -1));
    }
}
