using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// Random Fourier features of a continuous time (score SDEs, Song et al. 2021): e(t) = [sin(2π t W), cos(2π t W)] with a
/// fixed W ~ N(0, scale²) of size <c>embeddingSize</c>, kept as the non-trainable parameter <c>W</c> (as in score_sde_pytorch).
/// </summary>
public sealed class GaussianFourierProjection : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _w;

    /// <summary>Draws W (size <paramref name="embeddingSize"/>, output 2 · embeddingSize) from N(0, <paramref name="scale"/>²) with the global generator.</summary>
    public GaussianFourierProjection(long embeddingSize = 256, double scale = 16) : base(nameof(GaussianFourierProjection))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingSize);
        EmbeddingSize = embeddingSize;
        using (no_grad())
        {
            var w = empty(embeddingSize).normal_(0, scale);
            // Long-lived: owned by the module, not by any dispose scope the caller has open.
            _w = (Parameter)new Parameter(w, requires_grad: false).DetachFromDisposeScope();
        }
        register_parameter("W", _w);
        TensorAccounting.Settle(this);
    }

    /// <summary>The number of frequencies (the output has twice as many features).</summary>
    public long EmbeddingSize { get; }

    /// <summary>The fixed frequencies W.</summary>
    public Parameter W => _w;

    /// <summary>Embeds times of shape [B] as [B, 2 · embeddingSize].</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 1)
        {
            throw new ArgumentException($"GaussianFourierProjection expects times of shape [B], got {Shapes.Format(input)}", nameof(input));
        }
        using var scope = NewDisposeScope();
        var args = input.unsqueeze(1) * _w.unsqueeze(0) * (2 * Math.PI);
        return cat([args.sin(), args.cos()], -1).MoveToOuterDisposeScope();
    }

    /// <summary>The parameter is registered by its state-dict name in the constructor; TorchSharp's by-field registration would add it twice.</summary>
    protected override void RegisterComponents()
    {
    }
}
