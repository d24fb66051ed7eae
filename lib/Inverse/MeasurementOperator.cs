using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// A linear measurement operator A of an inverse problem y = A x + σ_y n, n ~ N(0, I), on image batches [N, C, H, W], with
/// its true adjoint Aᵀ (⟨A x, y⟩ = ⟨x, Aᵀ y⟩ for all x, y, tested in float64).
/// </summary>
/// <remarks>
/// <see cref="Forward"/> is built from differentiable tensor operations, so a sampler can take gradients through A (DPS).
/// Operators apply to whatever scale the images are on; the course's diffusion models work on [−1, 1] images, and so do the
/// measurements and σ_y of <see cref="Measure"/> (as in DPS, Chung et al. 2023). An operator that keeps tensors (a mask, the
/// matrices of a separable operator) frees them when disposed.
/// </remarks>
public abstract class MeasurementOperator : IDisposable
{
    /// <summary>Frees the tensors the operator keeps (if any).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees kept tensors; override when the operator keeps any.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>A short name for tables ("box mask", "Gaussian blur 9, σ 2, reflect").</summary>
    public abstract string Name { get; }

    /// <summary>A x for images x [N, C, H, W]; differentiable in x.</summary>
    public Tensor Forward(Tensor x)
    {
        CheckImages(x, nameof(x));
        return ForwardCore(x);
    }

    /// <summary>Aᵀ y for measurements y of the shape <see cref="MeasurementShape"/> gives.</summary>
    public Tensor Adjoint(Tensor y)
    {
        CheckImages(y, nameof(y));
        return AdjointCore(y);
    }

    /// <summary>The shape of A x for images of shape <paramref name="imageShape"/> [N, C, H, W].</summary>
    public abstract long[] MeasurementShape(long[] imageShape);

    /// <summary>y = A x + σ_y n, n ~ N(0, I) from <paramref name="generator"/> (no gradient).</summary>
    /// <param name="x">Clean images [N, C, H, W].</param>
    /// <param name="sigmaY">σ_y ≥ 0, the measurement noise's standard deviation on the images' scale.</param>
    /// <param name="generator">The noise's random source (null: the global one).</param>
    public Tensor Measure(Tensor x, double sigmaY, Generator? generator = null)
    {
        if (!(sigmaY >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaY), sigmaY, "σ_y must be non-negative");
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ax = Forward(x);
        var y = sigmaY > 0 ? ax + sigmaY * randn(ax.shape, ax.dtype, ax.device, generator: generator) : ax.clone();
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>A x, the images already checked to be [N, C, H, W].</summary>
    protected abstract Tensor ForwardCore(Tensor x);

    /// <summary>Aᵀ y, the measurements already checked to be [N, C, H', W'].</summary>
    protected abstract Tensor AdjointCore(Tensor y);

    private static void CheckImages(Tensor t, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.dim() != 4)
        {
            throw new ArgumentException($"expected a batch [N, C, H, W], got {Shapes.Format(t)}", name);
        }
    }
}
