using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// The exact solve of (AᵀA + ρ∇ᵀ∇) x = b when both AᵀA and ∇ᵀ∇ are circulant (a circular blur or the identity, with circular
/// differences): x = F⁻¹[F b / (â + ρ l̂)], F the 2-D DFT, â and l̂ the eigenvalues (the DFTs of the impulse responses of AᵀA and ∇ᵀ∇).
/// </summary>
/// <remarks>
/// A circulant K has K x = k ⊛ x (circular convolution with its impulse response k = K δ), so F(K x) = F(k) ⊙ F(x): the DFT
/// diagonalises it. For circular differences l̂(u, v) = 4 − 2cos(2πu/H) − 2cos(2πv/W) (0 only at the zero frequency); for a
/// normalised blur â(0, 0) = 1, so â + ρ l̂ &gt; 0 everywhere. A mask (AᵀA = diag(M)) is not circulant; use <see cref="ConjugateGradient"/>.
/// </remarks>
public sealed class FourierQuadraticSolver
{
    private readonly Tensor _aHat;
    private readonly Tensor _lHat;

    /// <summary>Precomputes â and l̂ for <paramref name="a"/> and <paramref name="tv"/> on H×W images.</summary>
    /// <exception cref="ArgumentException">A or the differences are not circulant (see <see cref="Diagonalises"/>).</exception>
    public FourierQuadraticSolver(MeasurementOperator a, TotalVariation tv, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(tv);
        if (!Diagonalises(a, tv))
        {
            throw new ArgumentException(
                $"the FFT solve needs a circulant AᵀA and ∇ᵀ∇ (the identity or a circular-padded Gaussian blur, with circular differences); got {a.Name} with {tv.Name}: use conjugate gradient");
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var delta = zeros([1, 1, height, width], ScalarType.Float64);
        delta[0, 0, 0, 0] = tensor(1.0);
        _aHat = torch.fft.fft2(a.Adjoint(a.Forward(delta))).real.reshape(height, width).MoveToOuterDisposeScope();
        _lHat = torch.fft.fft2(tv.Laplacian(delta)).real.reshape(height, width).MoveToOuterDisposeScope();
        Height = height;
        Width = width;
    }

    /// <summary>H.</summary>
    public long Height { get; }

    /// <summary>W.</summary>
    public long Width { get; }

    /// <summary>â [H, W] (float64), the eigenvalues of AᵀA.</summary>
    public Tensor AHat => _aHat;

    /// <summary>l̂ [H, W] (float64), the eigenvalues of ∇ᵀ∇.</summary>
    public Tensor LHat => _lHat;

    /// <summary>True when AᵀA and ∇ᵀ∇ are circulant: circular differences and A the identity or a circular-padded <see cref="GaussianBlur"/>.</summary>
    public static bool Diagonalises(MeasurementOperator a, TotalVariation tv) =>
        tv.Boundary == DifferenceBoundary.Circular && (a is IdentityOperator || a is GaussianBlur { Padding: BlurPadding.Circular });

    /// <summary>x = F⁻¹[F b / (â + ρ l̂)] for b [N, C, H, W], in b's dtype.</summary>
    public Tensor Solve(Tensor b, double rho)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (b.dim() != 4 || b.shape[2] != Height || b.shape[3] != Width)
        {
            throw new ArgumentException($"expected b [N, C, {Height}, {Width}], got {Shapes.Format(b)}", nameof(b));
        }
        if (!(rho >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "ρ must be non-negative");
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var denominator = _aHat + rho * _lHat;
        if (denominator.min().item<double>() <= 0)
        {
            throw new InvalidOperationException($"AᵀA + ρ∇ᵀ∇ is singular for ρ = {rho} (an eigenvalue is {denominator.min().item<double>():G3})");
        }
        var x = torch.fft.ifft2(torch.fft.fft2(b) / denominator.to(b.dtype, b.device)).real;
        return x.contiguous().MoveToOuterDisposeScope();
    }
}
