using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// ADMM-TV: the alternating direction method of multipliers, scaled form, on min_x ½‖A x − y‖² + λ‖z‖ subject to z = ∇x.
/// </summary>
/// <remarks>
/// Boyd et al. 2011, §3.1.1 (scaled form) and §6.4.1 (total variation), with penalty ρ and scaled dual u; per iteration:
/// 1. x-step: (AᵀA + ρ∇ᵀ∇) x = Aᵀy + ρ∇ᵀ(z − u), solved by FFT where exact (A the identity or a circular blur, with circular
///    differences; <see cref="FourierQuadraticSolver"/>) and by batched conjugate gradient otherwise (masks, zero/reflect-padded
///    blurs, down-sampling, Neumann differences), warm-started at the previous x;
/// 2. z-step: z = shrink(∇x + u, λ/ρ) (<see cref="TotalVariation.Shrink"/>);
/// 3. dual step: u ← u + ∇x − z.
/// ADMM converges to the minimiser for every ρ &gt; 0 (the problem is convex); ρ only changes the speed. Start: x = Aᵀy (or x0), z = ∇x, u = 0.
/// </remarks>
public sealed class AdmmTv : ITvSolver
{
    /// <summary>ADMM-TV with penalty <paramref name="rho"/> and the x-step's solve.</summary>
    public AdmmTv(int iterations = 100, double rho = 1.0, QuadraticSolve solve = QuadraticSolve.Auto, double cgTolerance = 1e-6, int cgMaxIterations = 200)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        if (!(rho > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "ρ must be positive");
        }
        Iterations = iterations;
        Rho = rho;
        XStepSolve = solve;
        CgTolerance = cgTolerance;
        CgMaxIterations = cgMaxIterations;
    }

    /// <summary>K.</summary>
    public int Iterations { get; }

    /// <summary>ρ.</summary>
    public double Rho { get; }

    /// <summary>The x-step's solve.</summary>
    public QuadraticSolve XStepSolve { get; }

    /// <summary>CG's relative tolerance per x-step.</summary>
    public double CgTolerance { get; }

    /// <summary>CG's iteration cap per x-step.</summary>
    public int CgMaxIterations { get; }

    /// <inheritdoc/>
    public string Name => "ADMM-TV";

    /// <inheritdoc/>
    public TvReconstruction Solve(TvProblem problem, Tensor? x0 = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        using var noGrad = no_grad();
        using var outer = NewDisposeScope();
        var step = new QuadraticStep(problem, XStepSolve, CgTolerance, CgMaxIterations);
        var x = (x0 ?? problem.AdjointOfMeasurements()).detach().clone();
        problem.CheckImages(x, nameof(x0));
        var tv = problem.Tv;
        var z = tv.Gradient(x);
        var u = zeros_like(z);
        var objective = new double[Iterations + 1];
        objective[0] = problem.Objective(x);
        for (int k = 1; k <= Iterations; k++)
        {
            using var scope = NewDisposeScope();
            x.copy_(step.Solve(z - u, Rho, x));
            var gx = tv.Gradient(x);
            z.copy_(tv.Shrink(gx + u, problem.Lambda / Rho));
            u.add_(gx - z);
            objective[k] = problem.Objective(x);
        }
        return new TvReconstruction(x.MoveToOuterDisposeScope(), objective, step.Method, step.CgIterations);
    }
}
