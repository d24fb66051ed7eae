using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>Denoising's operator: A x = x, Aᵀ y = y (y = x + σ_y n). Circulant, so TV's x-step with circular differences is an FFT division.</summary>
public sealed class IdentityOperator : MeasurementOperator
{
    /// <inheritdoc/>
    public override string Name => "identity (denoising)";

    /// <inheritdoc/>
    public override long[] MeasurementShape(long[] imageShape) => imageShape.ToArray();

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor x) => x.clone();

    /// <inheritdoc/>
    protected override Tensor AdjointCore(Tensor y) => y.clone();
}
