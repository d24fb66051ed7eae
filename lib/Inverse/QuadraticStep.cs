using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>How <see cref="HqsTv"/> and <see cref="AdmmTv"/> solve their x-step (AᵀA + ρ∇ᵀ∇) x = Aᵀy + ρ∇ᵀv.</summary>
public enum QuadraticSolve
{
    /// <summary>FFT where it is exact (<see cref="FourierQuadraticSolver.Diagonalises"/>), conjugate gradient otherwise.</summary>
    Auto,

    /// <summary>The exact FFT division (throws unless A and ∇ are circulant).</summary>
    Fourier,

    /// <summary>Batched conjugate gradient to a tolerance (any A; masks, reflect/zero-padded blurs, down-sampling).</summary>
    ConjugateGradient,
}

/// <summary>
/// The quadratic x-step shared by HQS and ADMM: x = argmin_x ½‖A x − y‖² + (ρ/2)‖∇x − v‖², i.e. the solution of
/// (AᵀA + ρ∇ᵀ∇) x = Aᵀy + ρ∇ᵀv, by FFT (exact, circulant A and circular differences) or by conjugate gradient.
/// </summary>
public sealed class QuadraticStep
{
    private readonly TvProblem _problem;
    private readonly FourierQuadraticSolver? _fourier;
    private readonly Tensor _aty;

    /// <summary>The x-step of <paramref name="problem"/> with the solve <paramref name="solve"/> (Auto resolves here).</summary>
    public QuadraticStep(TvProblem problem, QuadraticSolve solve, double cgTolerance, int cgMaxIterations)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _problem = problem;
        Method = solve == QuadraticSolve.Auto
            ? (FourierQuadraticSolver.Diagonalises(problem.A, problem.Tv) ? QuadraticSolve.Fourier : QuadraticSolve.ConjugateGradient)
            : solve;
        if (Method == QuadraticSolve.Fourier)
        {
            _fourier = new FourierQuadraticSolver(problem.A, problem.Tv, problem.ImageShape[2], problem.ImageShape[3]);
        }
        CgTolerance = cgTolerance;
        CgMaxIterations = cgMaxIterations;
        _aty = problem.AdjointOfMeasurements();
    }

    /// <summary>The solve in use: <see cref="QuadraticSolve.Fourier"/> or <see cref="QuadraticSolve.ConjugateGradient"/>.</summary>
    public QuadraticSolve Method { get; }

    /// <summary>CG's relative-residual tolerance.</summary>
    public double CgTolerance { get; }

    /// <summary>CG's iteration cap per x-step.</summary>
    public int CgMaxIterations { get; }

    /// <summary>The CG iterations run so far (0 for FFT).</summary>
    public int CgIterations { get; private set; }

    /// <summary>x = (AᵀA + ρ∇ᵀ∇)⁻¹ (Aᵀy + ρ∇ᵀv), <paramref name="v"/> [N, C, 2, H, W]; CG starts from <paramref name="warmStart"/>.</summary>
    public Tensor Solve(Tensor v, double rho, Tensor warmStart)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var tv = _problem.Tv;
        var rhs = _aty.to(v.dtype) + rho * tv.GradientAdjoint(v);
        if (_fourier is not null)
        {
            return _fourier.Solve(rhs, rho).MoveToOuterDisposeScope();
        }
        var a = _problem.A;
        var result = ConjugateGradient.Solve(x => a.Adjoint(a.Forward(x)) + rho * tv.Laplacian(x), rhs, warmStart, CgTolerance, CgMaxIterations);
        CgIterations += result.Iterations;
        return result.X.MoveToOuterDisposeScope();
    }
}
