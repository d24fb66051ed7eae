using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>max(0, x) (<c>torch.nn.ReLU</c>).</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>x * sigmoid(x), also called swish (<c>torch.nn.SiLU</c>).</summary>
public sealed class SiLU : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Silu();
}

/// <summary>x * Φ(x) with Φ the standard normal CDF, or its tanh approximation (<c>torch.nn.GELU</c>).</summary>
/// <param name="approximateTanh">Use 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x^3))) (<c>approximate='tanh'</c>).</param>
public sealed class GELU(bool approximateTanh = false) : Module<Tensor, Tensor>
{
    /// <summary>True for the tanh approximation.</summary>
    public bool ApproximateTanh { get; } = approximateTanh;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Gelu(ApproximateTanh);
}

/// <summary>max(0, x) + slope * min(0, x) (<c>torch.nn.LeakyReLU</c>).</summary>
/// <param name="negativeSlope">The slope for negative inputs.</param>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module<Tensor, Tensor>
{
    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.LeakyRelu(NegativeSlope);
}

/// <summary>The identity (<c>torch.nn.Identity</c>): returns a new handle to the same data.</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Alias();
}
