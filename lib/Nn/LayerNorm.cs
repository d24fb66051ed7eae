using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>Layer normalisation over the trailing dimensions (<c>torch.nn.LayerNorm</c>): <c>weight</c> (ones), <c>bias</c> (zeros).</summary>
/// <remarks>y = (x - mean) / sqrt(var + eps) * weight + bias, statistics over the last len(normalizedShape) dimensions.</remarks>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    private readonly long[] _normalizedShape;

    /// <summary>Normalises over trailing dimensions of shape <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(s => s <= 0))
        {
            throw new ArgumentException($"normalized shape {Tensor.FormatShape(normalizedShape)} must be non-empty and positive", nameof(normalizedShape));
        }
        _normalizedShape = (long[])normalizedShape.Clone();
        Eps = eps;
        using var outside = TensorScope.Outside();
        RegisterParameter("weight", elementwiseAffine ? Torch.Ones(normalizedShape, dtype, device) : null);
        RegisterParameter("bias", elementwiseAffine ? Torch.Zeros(normalizedShape, dtype, device) : null);
    }

    /// <summary>Normalises over the last dimension of size <paramref name="normalizedSize"/>.</summary>
    public LayerNorm(long normalizedSize, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32, Device? device = null)
        : this([normalizedSize], eps, elementwiseAffine, dtype, device)
    {
    }

    /// <summary>The trailing shape normalised over.</summary>
    public long[] NormalizedShape => (long[])_normalizedShape.Clone();

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Elementwise scale, or null.</summary>
    public Tensor? Weight => GetParameter("weight");

    /// <summary>Elementwise shift, or null.</summary>
    public Tensor? Bias => GetParameter("bias");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, _normalizedShape, Weight, Bias, Eps);
}
