using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Models;

/// <summary>
/// A noise-conditioned score network for low-dimensional data: s_θ(x, σ) = f_θ([x, e(log σ)]) / σ, where e is a Gaussian
/// Fourier embedding of log σ and f_θ an MLP with SiLU activations. Dividing by σ (Song and Ermon 2020, "NCSNv2")
/// lets f_θ predict −z, whose scale does not depend on σ.
/// </summary>
public sealed class ScoreMlp : Module<Tensor, Tensor, Tensor>
{
    private readonly GaussianFourierProjection _embedding;
    private readonly ModuleList<Linear> _layers;

    /// <summary>Builds the network for <paramref name="dim"/>-dimensional points.</summary>
    /// <param name="dim">The data dimension (2 for the Swiss roll).</param>
    /// <param name="hidden">The width of each hidden layer.</param>
    /// <param name="depth">The number of hidden layers.</param>
    /// <param name="embeddingSize">The number of Fourier frequencies of the noise embedding.</param>
    public ScoreMlp(int dim = 2, int hidden = 128, int depth = 3, int embeddingSize = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        Dim = dim;
        _embedding = new GaussianFourierProjection(embeddingSize, scale: 1.0);
        var layers = new List<Linear>();
        long inFeatures = dim + 2L * embeddingSize;
        for (int i = 0; i < depth; i++)
        {
            layers.Add(new Linear(inFeatures, hidden));
            inFeatures = hidden;
        }
        layers.Add(new Linear(inFeatures, dim));
        _layers = new ModuleList<Linear>(layers);
        RegisterModule("embedding", _embedding);
        RegisterModule("layers", _layers);
    }

    /// <summary>The data dimension.</summary>
    public int Dim { get; }

    /// <summary>The score s_θ(x, σ) for points x [B, dim] and noise levels σ [B].</summary>
    public override Tensor Forward(Tensor x, Tensor sigma)
    {
        if (x.Dim != 2 || x.Size(1) != Dim)
        {
            throw new ArgumentException($"ScoreMlp expects points of shape [B, {Dim}], got {Tensor.FormatShape(x.Shape)}", nameof(x));
        }
        if (sigma.Dim != 1 || sigma.Size(0) != x.Size(0))
        {
            throw new ArgumentException($"σ must have shape [{x.Size(0)}] to match x {Tensor.FormatShape(x.Shape)}, got {Tensor.FormatShape(sigma.Shape)}", nameof(sigma));
        }
        using var scope = new TensorScope();
        var h = Torch.Cat([x, _embedding.Forward(sigma.Log())], 1);
        for (int i = 0; i < _layers.Count; i++)
        {
            h = _layers[i].Forward(h);
            if (i < _layers.Count - 1)
            {
                h = h.Silu();
            }
        }
        return scope.Keep(h / sigma.Unsqueeze(1));
    }
}
