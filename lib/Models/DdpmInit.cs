using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// The initialisation of DDPM and NCSN++ (score_sde_pytorch's <c>default_init</c>, JAX's variance scaling, fan_avg, uniform):
/// W ~ U(−a, a) with a = √(3 · s / ((fan_in + fan_out) / 2)), fan = channels · receptive field; a scale s = 0 means 10⁻¹⁰
/// (the layer starts as almost zero). Biases start at zero. Draws from the global generator.
/// </summary>
public static class DdpmInit
{
    /// <summary>Fills <paramref name="weight"/> (shape [out, in, ...]: out axis 0, in axis 1) in place and returns it.</summary>
    public static Tensor VarianceScaling(Tensor weight, double scale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return VarianceScaling(weight, scale, inAxis: 1, outAxis: 0);
    }

    /// <summary>Variance scaling with explicit fan axes (NIN's W is [in, out]: in axis 0, out axis 1).</summary>
    public static Tensor VarianceScaling(Tensor weight, double scale, int inAxis, int outAxis)
    {
        ArgumentNullException.ThrowIfNull(weight);
        double s = scale == 0 ? 1e-10 : scale;
        var shape = weight.shape;
        double receptive = shape.Aggregate(1.0, (a, d) => a * d) / shape[inAxis] / shape[outAxis];
        double fanAvg = (shape[inAxis] + shape[outAxis]) * receptive / 2;
        double bound = Math.Sqrt(3 * s / fanAvg);
        using (no_grad())
        {
            weight.uniform_(-bound, bound);
        }
        return weight;
    }

    /// <summary>A 3×3 (padding 1) or 1×1 convolution initialised by <see cref="VarianceScaling(Tensor, double)"/> with a zero bias.</summary>
    public static Conv2d Conv(long inChannels, long outChannels, int kernel, double scale = 1.0)
    {
        var conv = nn.Conv2d(inChannels, outChannels, kernel, padding: kernel / 2);
        VarianceScaling(conv.weight!, scale);
        using (no_grad())
        {
            conv.bias!.zero_();
        }
        return conv;
    }

    /// <summary>A linear layer initialised by <see cref="VarianceScaling(Tensor, double)"/> with a zero bias.</summary>
    public static Linear Dense(long inFeatures, long outFeatures)
    {
        var dense = nn.Linear(inFeatures, outFeatures);
        VarianceScaling(dense.weight!, 1.0);
        using (no_grad())
        {
            dense.bias!.zero_();
        }
        return dense;
    }
}
