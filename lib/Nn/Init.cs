using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>How a Kaiming initialisation preserves variance: through the forward pass or the backward pass.</summary>
public enum FanMode
{
    /// <summary>Use the number of inputs per output (<c>mode='fan_in'</c>, PyTorch's default).</summary>
    FanIn,

    /// <summary>Use the number of outputs per input (<c>mode='fan_out'</c>).</summary>
    FanOut,
}

/// <summary>
/// Weight initialisations of <c>torch.nn.init</c>, in place and without gradient tracking. Each fills the
/// tensor from libtorch's default generator, so after the same <see cref="Torch.ManualSeed"/> they draw
/// the same numbers as PyTorch.
/// </summary>
public static class Init
{
    /// <summary>
    /// (fan_in, fan_out) of a weight: for a matrix [out, in] they are (in, out); for a convolution kernel
    /// [a, b, k1, k2, ...] they are (b * receptive field, a * receptive field).
    /// </summary>
    /// <remarks>ConvTranspose2d's weight is [in, out / groups, kh, kw], so its fan_in comes from dim 1 as in PyTorch.</remarks>
    public static (long FanIn, long FanOut) CalculateFans(ReadOnlySpan<long> shape)
    {
        if (shape.Length < 2)
        {
            throw new ArgumentException($"fan in and fan out need a tensor of at least 2 dimensions, not shape {Tensor.FormatShape(shape)}", nameof(shape));
        }
        long receptive = 1;
        for (int i = 2; i < shape.Length; i++)
        {
            receptive *= shape[i];
        }
        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>The recommended gain for a nonlinearity (<c>torch.nn.init.calculate_gain</c>).</summary>
    /// <param name="nonlinearity"><c>linear</c>, <c>conv2d</c>, <c>sigmoid</c>, <c>tanh</c>, <c>relu</c>, <c>leaky_relu</c> or <c>selu</c>.</param>
    /// <param name="negativeSlope">The slope for <c>leaky_relu</c> (PyTorch's default 0.01).</param>
    /// <remarks>relu: sqrt(2); leaky_relu: sqrt(2 / (1 + a^2)); tanh: 5/3; selu: 3/4; linear, conv, sigmoid: 1.</remarks>
    public static double CalculateGain(string nonlinearity, double negativeSlope = 0.01) => nonlinearity switch
    {
        "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" or "sigmoid" => 1.0,
        "tanh" => 5.0 / 3.0,
        "relu" => Math.Sqrt(2.0),
        "leaky_relu" => Math.Sqrt(2.0 / (1 + negativeSlope * negativeSlope)),
        "selu" => 3.0 / 4.0,
        _ => throw new ArgumentException($"unknown nonlinearity '{nonlinearity}'", nameof(nonlinearity)),
    };

    /// <summary>Fills with samples of U(<paramref name="low"/>, <paramref name="high"/>); returns the tensor.</summary>
    public static Tensor Uniform(Tensor tensor, double low = 0, double high = 1)
    {
        using (Torch.NoGrad())
        {
            tensor.Uniform_(low, high);
        }
        return tensor;
    }

    /// <summary>Fills with samples of N(<paramref name="mean"/>, <paramref name="std"/>^2); returns the tensor.</summary>
    public static Tensor Normal(Tensor tensor, double mean = 0, double std = 1)
    {
        using (Torch.NoGrad())
        {
            tensor.Normal_(mean, std);
        }
        return tensor;
    }

    /// <summary>Fills with <paramref name="value"/>; returns the tensor.</summary>
    public static Tensor Constant(Tensor tensor, double value)
    {
        using (Torch.NoGrad())
        {
            tensor.Fill_(value);
        }
        return tensor;
    }

    /// <summary>Fills with zeros; returns the tensor.</summary>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0);

    /// <summary>Fills with ones; returns the tensor.</summary>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1);

    /// <summary>Glorot uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1)
    {
        var (fanIn, fanOut) = CalculateFans(tensor.Shape);
        double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(tensor, -bound, bound);
    }

    /// <summary>Glorot normal: N(0, s^2) with s = gain * sqrt(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, double gain = 1)
    {
        var (fanIn, fanOut) = CalculateFans(tensor.Shape);
        return Normal(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    /// <summary>
    /// He uniform: U(-b, b) with b = gain * sqrt(3 / fan), gain = <see cref="CalculateGain"/>(nonlinearity, a).
    /// </summary>
    /// <remarks>
    /// PyTorch's default for Linear and Conv weights is a = sqrt(5) with leaky_relu, which gives
    /// b = sqrt(6 / (1 + 5)) * sqrt(3 / fan_in) = 1 / sqrt(fan_in).
    /// </remarks>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, string nonlinearity = "leaky_relu")
    {
        var (fanIn, fanOut) = CalculateFans(tensor.Shape);
        long fan = mode == FanMode.FanIn ? fanIn : fanOut;
        double bound = CalculateGain(nonlinearity, a) * Math.Sqrt(3.0 / fan);
        return Uniform(tensor, -bound, bound);
    }

    /// <summary>He normal: N(0, s^2) with s = gain / sqrt(fan).</summary>
    public static Tensor KaimingNormal(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, string nonlinearity = "leaky_relu")
    {
        var (fanIn, fanOut) = CalculateFans(tensor.Shape);
        long fan = mode == FanMode.FanIn ? fanIn : fanOut;
        return Normal(tensor, 0, CalculateGain(nonlinearity, a) / Math.Sqrt(fan));
    }

    /// <summary>
    /// PyTorch's default initialisation of a Linear or Conv layer: weight by <see cref="KaimingUniform"/>
    /// with a = sqrt(5), bias by U(-1/sqrt(fan_in), 1/sqrt(fan_in)), in that order.
    /// </summary>
    public static void DefaultLayer(Tensor weight, Tensor? bias)
    {
        KaimingUniform(weight, Math.Sqrt(5));
        if (bias is not null)
        {
            var (fanIn, _) = CalculateFans(weight.Shape);
            double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            Uniform(bias, -bound, bound);
        }
    }
}
