namespace Diffusion.Tensors;

public sealed partial class Tensor
{
    /// <summary>Rectified linear unit, elementwise.</summary>
    /// <remarks>relu(x) = max(x, 0).</remarks>
    public Tensor Relu() => Wrap(NativeMethods.dt_relu(Handle, out var r), r, "relu", this);

    /// <summary>Sigmoid-weighted linear unit (swish), elementwise.</summary>
    /// <remarks>silu(x) = x σ(x) = x / (1 + e^-x).</remarks>
    public Tensor Silu() => Wrap(NativeMethods.dt_silu(Handle, out var r), r, "silu", this);

    /// <summary>Gaussian error linear unit, elementwise.</summary>
    /// <remarks>
    /// Exact: gelu(x) = x Φ(x) = x (1 + erf(x / sqrt 2)) / 2. With <paramref name="approximateTanh"/>:
    /// x (1 + tanh(sqrt(2/π) (x + 0.044715 x^3))) / 2.
    /// </remarks>
    public Tensor Gelu(bool approximateTanh = false) => Wrap(NativeMethods.dt_gelu(Handle, approximateTanh ? 1 : 0, out var r), r, "gelu", this);

    /// <summary>Leaky ReLU, elementwise.</summary>
    /// <remarks>x for x ≥ 0, negativeSlope x otherwise.</remarks>
    public Tensor LeakyRelu(double negativeSlope = 0.01) => Wrap(NativeMethods.dt_leaky_relu(Handle, negativeSlope, out var r), r, "leaky_relu", this);

    /// <summary>Softplus, a smooth ReLU, elementwise.</summary>
    /// <remarks>log(1 + exp(beta x)) / beta, and x itself where beta x &gt; threshold (for numerical stability).</remarks>
    public Tensor Softplus(double beta = 1, double threshold = 20) => Wrap(NativeMethods.dt_softplus(Handle, beta, threshold, out var r), r, "softplus", this);

    /// <summary>Exponential linear unit, elementwise.</summary>
    /// <remarks>x for x &gt; 0, alpha (e^x - 1) otherwise.</remarks>
    public Tensor Elu(double alpha = 1) => Wrap(NativeMethods.dt_elu(Handle, alpha, out var r), r, "elu", this);

    /// <summary>Mish, elementwise.</summary>
    /// <remarks>mish(x) = x tanh(softplus(x)).</remarks>
    public Tensor Mish() => Wrap(NativeMethods.dt_mish(Handle, out var r), r, "mish", this);
}
