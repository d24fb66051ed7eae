using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// The sinusoidal embedding of a (diffusion) time step, as in DDPM's <c>get_timestep_embedding</c> and the Transformer:
/// e(t) = [sin(t w_0), …, sin(t w_{h−1}), cos(t w_0), …, cos(t w_{h−1})], h = dim / 2.
/// </summary>
/// <remarks>w_i = maxPeriod^(−i / (h − 1)), computed in double precision and stored as float32. No parameters.</remarks>
public sealed class SinusoidalTimeEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly float[] _frequencies;

    /// <summary>An embedding of even size <paramref name="dim"/> (at least 4).</summary>
    public SinusoidalTimeEmbedding(int dim, double maxPeriod = 10000) : base(nameof(SinusoidalTimeEmbedding))
    {
        if (dim < 4 || dim % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "the embedding size must be even and at least 4");
        }
        Dim = dim;
        MaxPeriod = maxPeriod;
        int half = dim / 2;
        _frequencies = new float[half];
        for (int i = 0; i < half; i++)
        {
            _frequencies[i] = (float)Math.Exp(-Math.Log(maxPeriod) * i / (half - 1));
        }
    }

    /// <summary>The embedding size.</summary>
    public int Dim { get; }

    /// <summary>The longest period, 10,000 by default.</summary>
    public double MaxPeriod { get; }

    /// <summary>
    /// Embeds time steps <paramref name="input"/> of shape [B] as [B, dim]: float32 for integer steps, the input's dtype for
    /// floating-point times (differentiable in continuous time).
    /// </summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 1)
        {
            throw new ArgumentException($"SinusoidalTimeEmbedding expects time steps of shape [B], got {Shapes.Format(input)}", nameof(input));
        }
        using var scope = NewDisposeScope();
        var dtype = input.is_floating_point() ? input.dtype : ScalarType.Float32;
        var frequencies = tensor(_frequencies, dtype: ScalarType.Float32, device: input.device).to(dtype).unsqueeze(0);
        var args = input.to(dtype).unsqueeze(1) * frequencies;
        return cat([args.sin(), args.cos()], 1).MoveToOuterDisposeScope();
    }
}
