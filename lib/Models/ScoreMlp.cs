using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// A noise-conditioned score network for low-dimensional data: s_θ(x, σ) = f_θ([x, e(log σ)]) / σ, where e is a Gaussian
/// Fourier embedding of log σ and f_θ an MLP with SiLU activations. Dividing by σ (Song and Ermon 2020, "NCSNv2")
/// lets f_θ predict −z, whose scale does not depend on σ.
/// </summary>
/// <remarks>State-dict keys: <c>embedding.W</c> (fixed), <c>layers.i.weight</c> and <c>layers.i.bias</c>. It has no GroupNorm.</remarks>
public sealed class ScoreMlp : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GaussianFourierProjection _embedding;
    private readonly ModuleList<Linear> _layers;

    /// <summary>Builds the network for <paramref name="dim"/>-dimensional points (initialised from the global generator).</summary>
    /// <param name="dim">The data dimension (2 for the Swiss roll).</param>
    /// <param name="hidden">The width of each hidden layer.</param>
    /// <param name="depth">The number of hidden layers.</param>
    /// <param name="embeddingSize">The number of Fourier frequencies of the noise embedding.</param>
    public ScoreMlp(int dim = 2, int hidden = 128, int depth = 3, int embeddingSize = 16) : base(nameof(ScoreMlp))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        Dim = dim;
        _embedding = new GaussianFourierProjection(embeddingSize, scale: 1.0);
        var layers = new List<Linear>();
        long inFeatures = dim + 2L * embeddingSize;
        for (int i = 0; i < depth; i++)
        {
            layers.Add(nn.Linear(inFeatures, hidden));
            inFeatures = hidden;
        }
        layers.Add(nn.Linear(inFeatures, dim));
        _layers = nn.ModuleList(layers.ToArray());
        register_module("embedding", _embedding);
        register_module("layers", _layers);
        TensorAccounting.Settle(this);
    }

    /// <summary>The data dimension.</summary>
    public int Dim { get; }

    /// <summary>The number of parameters (the fixed Fourier frequencies included).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>The score s_θ(x, σ) for points <paramref name="x"/> [B, dim] and noise levels <paramref name="sigma"/> [B].</summary>
    public override Tensor forward(Tensor x, Tensor sigma)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sigma);
        if (x.dim() != 2 || x.shape[1] != Dim)
        {
            throw new ArgumentException($"ScoreMlp expects points of shape [B, {Dim}], got {Shapes.Format(x)}", nameof(x));
        }
        if (sigma.dim() != 1 || sigma.shape[0] != x.shape[0])
        {
            throw new ArgumentException($"σ must have shape [{x.shape[0]}] to match x {Shapes.Format(x)}, got {Shapes.Format(sigma)}", nameof(sigma));
        }
        using var scope = NewDisposeScope();
        var h = cat([x, _embedding.call(sigma.log())], 1);
        for (int i = 0; i < _layers.Count; i++)
        {
            h = _layers[i].call(h);
            if (i < _layers.Count - 1)
            {
                h = nn.functional.silu(h);
            }
        }
        return (h / sigma.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>Children are registered by their state-dict names in the constructor; TorchSharp's by-field registration would add them twice.</summary>
    protected override void RegisterComponents()
    {
    }
}
