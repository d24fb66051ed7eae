namespace Diffusion.Tensors;

public static partial class Functional
{
    /// <summary>max(x, 0) (<c>F.relu</c>).</summary>
    public static Tensor Relu(Tensor x) => x.Relu();

    /// <summary>x sigmoid(x), also called swish (<c>F.silu</c>).</summary>
    public static Tensor Silu(Tensor x) => x.Silu();

    /// <summary>x Φ(x), or its tanh approximation (<c>F.gelu</c>).</summary>
    public static Tensor Gelu(Tensor x, bool approximateTanh = false) => x.Gelu(approximateTanh);

    /// <summary>x for x ≥ 0, slope x otherwise (<c>F.leaky_relu</c>).</summary>
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.01) => x.LeakyRelu(negativeSlope);

    /// <summary>log(1 + exp(beta x)) / beta, linear above the threshold (<c>F.softplus</c>).</summary>
    public static Tensor Softplus(Tensor x, double beta = 1, double threshold = 20) => x.Softplus(beta, threshold);

    /// <summary>x for x &gt; 0, alpha (exp(x) - 1) otherwise (<c>F.elu</c>).</summary>
    public static Tensor Elu(Tensor x, double alpha = 1) => x.Elu(alpha);

    /// <summary>x tanh(softplus(x)) (<c>F.mish</c>).</summary>
    public static Tensor Mish(Tensor x) => x.Mish();
}
