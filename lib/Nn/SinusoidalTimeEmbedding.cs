using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>
/// The sinusoidal embedding of a (diffusion) time step, as in DDPM's <c>get_timestep_embedding</c> and the Transformer:
/// e(t) = [sin(t w_0), ..., sin(t w_{h-1}), cos(t w_0), ..., cos(t w_{h-1})], h = dim / 2.
/// </summary>
/// <remarks>w_i = maxPeriod^(-i / (h - 1)) (computed in double precision). No parameters.</remarks>
public sealed class SinusoidalTimeEmbedding : Module<Tensor, Tensor>
{
    private readonly float[] _frequencies;

    /// <summary>An embedding of even size <paramref name="dim"/> (at least 4).</summary>
    public SinusoidalTimeEmbedding(int dim, double maxPeriod = 10000)
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

    /// <summary>Embeds time steps <paramref name="input"/> of shape [B] (integer or float) as [B, dim] float32.</summary>
    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 1)
        {
            throw new ArgumentException($"SinusoidalTimeEmbedding expects time steps of shape [B], got {Tensor.FormatShape(input.Shape)}", nameof(input));
        }
        using var scope = new TensorScope();
        var dtype = input.DType.IsFloatingPoint() ? input.DType : DType.Float32;
        var freqs = Torch.FromArray(_frequencies).To(dtype, input.Device).Unsqueeze(0);
        var args = input.To(dtype).Unsqueeze(1) * freqs;
        return scope.Keep(Torch.Cat([args.Sin(), args.Cos()], 1));
    }
}
