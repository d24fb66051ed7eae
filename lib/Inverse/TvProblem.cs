using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// A TV-regularised least-squares problem min_x F(x), F(x) = ½‖A x − y‖² + λ TV(x), for a batch of measurements y of images of
/// shape <see cref="ImageShape"/>; each image's problem is separate (F sums them).
/// </summary>
/// <remarks>
/// The TV baselines (<see cref="AdamTv"/>, <see cref="HqsTv"/>, <see cref="AdmmTv"/>) solve it; they work on whatever scale y has.
/// The course states its inverse problems on [−1, 1] images (as DPS does, σ_y = 0.05 on that scale); λ then has that scale's units
/// (λ on [0, 1] images is half the λ on [−1, 1] images for the same reconstruction, as F scales by 4 and TV by 2).
/// </remarks>
public sealed class TvProblem
{
    /// <summary>The problem for operator <paramref name="a"/>, measurements <paramref name="y"/>, weight <paramref name="lambda"/> ≥ 0 and regulariser <paramref name="tv"/>.</summary>
    /// <param name="a">A.</param>
    /// <param name="y">y, of shape A.MeasurementShape(imageShape).</param>
    /// <param name="lambda">λ ≥ 0.</param>
    /// <param name="tv">The TV (norm, boundary, ε); null: isotropic, Neumann, ε = 1e-3.</param>
    /// <param name="imageShape">The images' shape [N, C, H, W]; null: the shape of Aᵀy (right for masks and blurs; give it for down-sampling to be explicit).</param>
    /// <exception cref="ArgumentException">y's shape is not A's measurement shape of the images; the message names both.</exception>
    public TvProblem(MeasurementOperator a, Tensor y, double lambda, TotalVariation? tv = null, long[]? imageShape = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(y);
        if (!(lambda >= 0) || double.IsInfinity(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ must be finite and non-negative");
        }
        if (y.dim() != 4)
        {
            throw new ArgumentException($"expected measurements [N, C, H', W'], got {Shapes.Format(y)}", nameof(y));
        }
        if (!y.is_floating_point())
        {
            throw new ArgumentException($"expected floating-point measurements, got {y.dtype}", nameof(y));
        }
        if (imageShape is null)
        {
            using var scope = NewDisposeScope();
            imageShape = a.Adjoint(y).shape;
        }
        if (imageShape.Length != 4)
        {
            throw new ArgumentException($"expected an image shape [N, C, H, W], got {Shapes.Format(imageShape)}", nameof(imageShape));
        }
        var expected = a.MeasurementShape(imageShape);
        if (!expected.SequenceEqual(y.shape))
        {
            throw new ArgumentException(
                $"the measurements y {Shapes.Format(y)} do not have the shape {Shapes.Format(expected)} that {a.Name} gives for images {Shapes.Format(imageShape)}",
                nameof(y));
        }
        A = a;
        Y = y;
        Lambda = lambda;
        Tv = tv ?? new TotalVariation();
        ImageShape = imageShape.ToArray();
    }

    /// <summary>A.</summary>
    public MeasurementOperator A { get; }

    /// <summary>y (kept, not copied).</summary>
    public Tensor Y { get; }

    /// <summary>λ.</summary>
    public double Lambda { get; }

    /// <summary>The regulariser.</summary>
    public TotalVariation Tv { get; }

    /// <summary>[N, C, H, W] of the unknown images.</summary>
    public long[] ImageShape { get; }

    /// <summary>Aᵀy, the usual starting point.</summary>
    public Tensor AdjointOfMeasurements()
    {
        using var noGrad = no_grad();
        return A.Adjoint(Y);
    }

    /// <summary>F(x) of each image [N] with the exact TV (or TV_ε when <paramref name="smoothed"/>); differentiable.</summary>
    public Tensor PerImage(Tensor x, bool smoothed = false)
    {
        CheckImages(x);
        using var scope = NewDisposeScope();
        var residual = A.Forward(x) - Y;
        var fit = 0.5 * (residual * residual).flatten(1).sum(1);   // not square(): see TotalVariation.PixelNorm
        var tv = smoothed ? Tv.SmoothedPerImage(x) : Tv.PerImage(x);
        return (fit + Lambda * tv).MoveToOuterDisposeScope();
    }

    /// <summary>F(x) summed over the batch, in float64 (exact TV).</summary>
    public double Objective(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return PerImage(x).to(ScalarType.Float64).sum().item<double>();
    }

    /// <summary>Throws unless <paramref name="x"/> has <see cref="ImageShape"/>.</summary>
    public void CheckImages(Tensor x, string name = "x")
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (!x.shape.SequenceEqual(ImageShape))
        {
            throw new ArgumentException($"expected images {Shapes.Format(ImageShape)} for this problem, got {Shapes.Format(x)}", name);
        }
    }
}
