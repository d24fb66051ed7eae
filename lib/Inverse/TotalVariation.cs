using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// The discrete gradient ∇ = (D_v, D_h) of image batches [N, C, H, W] (forward differences, per channel), its adjoint ∇ᵀ, and the
/// total variation TV(x) = Σ_pixels ‖(∇x)_{ij}‖ (isotropic: Euclidean norm of the pair; anisotropic: ℓ₁), with the shrinkage
/// (proximal) step of that norm and an ε-smoothed version for gradient methods.
/// </summary>
/// <remarks>
/// ∇x has shape [N, C, 2, H, W]: index 0 of dim 2 holds D_v x (down the rows), index 1 holds D_h x (along the columns).
/// Smoothed TV (Adam's objective): TV_ε(x) = Σ √(|∇x|²_{ij} + ε²) (isotropic) or Σ √((D_v x)² + ε²) + √((D_h x)² + ε²)
/// (anisotropic); its gradient is ∇TV_ε(x) = ∇ᵀ(∇x / √(|∇x|² + ε²)) (the division taken per pixel, or per component for
/// anisotropic). TV_ε − TV lies in [0, ε · #terms]. Sums run over the whole batch; each image's terms are its own.
/// </remarks>
public sealed class TotalVariation
{
    /// <summary>A total variation with the given norm, boundary rule and smoothing ε (≥ 0; used only by the smoothed value and gradient).</summary>
    public TotalVariation(TvNorm norm = TvNorm.Isotropic, DifferenceBoundary boundary = DifferenceBoundary.Neumann, double epsilon = 1e-3)
    {
        if (!(epsilon >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "the smoothing ε must be non-negative");
        }
        Norm = norm;
        Boundary = boundary;
        Epsilon = epsilon;
    }

    /// <summary>Isotropic or anisotropic.</summary>
    public TvNorm Norm { get; }

    /// <summary>Neumann or circular differences.</summary>
    public DifferenceBoundary Boundary { get; }

    /// <summary>ε of the smoothed TV_ε.</summary>
    public double Epsilon { get; }

    /// <summary>"isotropic TV, Neumann".</summary>
    public string Name => $"{Norm.ToString().ToLowerInvariant()} TV, {Boundary.ToString().ToLowerInvariant()} differences";

    /// <summary>∇x [N, C, 2, H, W] of images <paramref name="x"/> [N, C, H, W]; differentiable.</summary>
    public Tensor Gradient(Tensor x)
    {
        CheckImages(x, nameof(x));
        using var scope = NewDisposeScope();
        return stack([Difference(x, 2), Difference(x, 3)], 2).MoveToOuterDisposeScope();
    }

    /// <summary>∇ᵀp [N, C, H, W] of a field <paramref name="p"/> [N, C, 2, H, W] (minus a discrete divergence): ⟨∇x, p⟩ = ⟨x, ∇ᵀp⟩.</summary>
    public Tensor GradientAdjoint(Tensor p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.dim() != 5 || p.shape[2] != 2)
        {
            throw new ArgumentException($"expected a gradient field [N, C, 2, H, W], got {Shapes.Format(p)}", nameof(p));
        }
        using var scope = NewDisposeScope();
        var result = DifferenceAdjoint(p.select(2, 0), 2) + DifferenceAdjoint(p.select(2, 1), 3);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>∇ᵀ∇x, the (negative) discrete Laplacian with this boundary rule.</summary>
    public Tensor Laplacian(Tensor x)
    {
        using var scope = NewDisposeScope();
        return GradientAdjoint(Gradient(x)).MoveToOuterDisposeScope();
    }

    /// <summary>The pixelwise norm |v|_{ij} of a field v [N, C, 2, H, W]: [N, C, 1, H, W] (isotropic) or |v| itself (anisotropic).</summary>
    public Tensor PixelNorm(Tensor v, double epsilon = 0)
    {
        using var scope = NewDisposeScope();
        // v * v, not v.square(): TorchSharp 0.107's square() is pow(2) through a temporary Scalar, which a garbage collection
        // during the native call can free ("Unknown scalar type", seen in the notebook kernel in Adam-TV's loop).
        var squared = v * v;
        var norm = Norm == TvNorm.Isotropic
            ? (squared.sum(2, keepdim: true) + epsilon * epsilon).sqrt()
            : (squared + epsilon * epsilon).sqrt();
        return norm.MoveToOuterDisposeScope();
    }

    /// <summary>TV(x) of each image: [N] (the exact, non-smooth value).</summary>
    public Tensor PerImage(Tensor x) => PerImageCore(x, 0);

    /// <summary>TV_ε(x) of each image: [N]; differentiable.</summary>
    public Tensor SmoothedPerImage(Tensor x) => PerImageCore(x, Epsilon);

    /// <summary>TV(x) summed over the batch.</summary>
    public double Value(Tensor x)
    {
        using var scope = NewDisposeScope();
        return PerImage(x).to(ScalarType.Float64).sum().item<double>();
    }

    /// <summary>TV_ε(x) summed over the batch.</summary>
    public double SmoothedValue(Tensor x)
    {
        using var scope = NewDisposeScope();
        return SmoothedPerImage(x).to(ScalarType.Float64).sum().item<double>();
    }

    /// <summary>∇TV_ε(x) = ∇ᵀ(∇x / √(|∇x|² + ε²)) [N, C, H, W] in closed form (ε must be positive).</summary>
    public Tensor SmoothedGradient(Tensor x)
    {
        if (!(Epsilon > 0))
        {
            throw new InvalidOperationException("the smoothed TV gradient needs ε > 0");
        }
        using var scope = NewDisposeScope();
        var g = Gradient(x);
        return GradientAdjoint(g / PixelNorm(g, Epsilon)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The proximal map of τ‖·‖ (the shrinkage of the HQS / ADMM z-step): prox(v) = argmin_z τ Σ‖z_{ij}‖ + ½‖z − v‖², i.e.
    /// z = max(|v| − τ, 0) · v / |v| per pixel (isotropic, vector shrinkage) or per component (anisotropic, soft thresholding).
    /// </summary>
    public Tensor Shrink(Tensor v, double tau)
    {
        if (!(tau >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "the threshold τ must be non-negative");
        }
        using var scope = NewDisposeScope();
        var norm = PixelNorm(v);
        // 1 − τ/|v| where |v| > τ, else 0 (the 0/0 of the unused branch at |v| = 0 is never selected).
        var scale = where(norm > tau, 1.0 - tau / norm, zeros_like(norm));
        return (v * scale).MoveToOuterDisposeScope();
    }

    private Tensor PerImageCore(Tensor x, double epsilon)
    {
        using var scope = NewDisposeScope();
        var norm = PixelNorm(Gradient(x), epsilon);
        return norm.flatten(1).sum(1).MoveToOuterDisposeScope();
    }

    private Tensor Difference(Tensor x, long dim)
    {
        if (Boundary == DifferenceBoundary.Circular)
        {
            return x.roll(-1, dim) - x;
        }
        // x_{i+1} − x_i for i < n − 1, then a zero row/column appended.
        long n = x.shape[dim];
        var d = x.narrow(dim, 1, n - 1) - x.narrow(dim, 0, n - 1);
        return nn.functional.pad(d, dim == 2 ? [0, 0, 0, 1] : [0, 1]);
    }

    private Tensor DifferenceAdjoint(Tensor p, long dim)
    {
        if (Boundary == DifferenceBoundary.Circular)
        {
            return p.roll(1, dim) - p;
        }
        // D's last row is 0, so the adjoint ignores p's last row: (Dᵀp)_k = p_{k−1} − p_k with p_{−1} = p_{n−1} = 0,
        // i.e. [0; q] − [q; 0] for q = p's first n − 1 rows.
        long n = p.shape[dim];
        var q = p.narrow(dim, 0, n - 1);
        long[] before = dim == 2 ? [0, 0, 1, 0] : [1, 0];
        long[] after = dim == 2 ? [0, 0, 0, 1] : [0, 1];
        return nn.functional.pad(q, before) - nn.functional.pad(q, after);
    }

    private static void CheckImages(Tensor x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.dim() != 4)
        {
            throw new ArgumentException($"expected images [N, C, H, W], got {Shapes.Format(x)}", name);
        }
    }
}
