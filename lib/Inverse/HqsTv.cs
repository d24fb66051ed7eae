using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// HQS-TV: half-quadratic splitting of min_x ½‖A x − y‖² + λ‖∇x‖ with z = ∇x, penalised as (μ/2)‖z − ∇x‖² with a growing μ.
/// </summary>
/// <remarks>
/// Each iteration k (Geman and Yang 1995; as in Zhang et al.'s plug-and-play HQS, with the TV prox as the z-step):
/// 1. z-step: z = argmin_z λ‖z‖ + (μ_k/2)‖z − ∇x‖² = shrink(∇x, λ/μ_k) (<see cref="TotalVariation.Shrink"/>);
/// 2. x-step: x = argmin_x ½‖A x − y‖² + (μ_k/2)‖∇x − z‖², i.e. (AᵀA + μ_k∇ᵀ∇) x = Aᵀy + μ_k∇ᵀz (<see cref="QuadraticStep"/>:
///    FFT for a circular blur or the identity with circular differences, conjugate gradient otherwise);
/// 3. μ_{k+1} = min(γ μ_k, μ_max).
/// For fixed μ the pair converges to the minimiser of the relaxed problem, which tends to the TV minimiser as μ → ∞.
/// </remarks>
public sealed class HqsTv : ITvSolver
{
    /// <summary>HQS-TV with its schedule μ_k = min(μ₀ γ^k, μ_max) and the x-step's solve.</summary>
    public HqsTv(int iterations = 60, double mu0 = 0.1, double muGrowth = 1.2, double muMax = 1e4,
        QuadraticSolve solve = QuadraticSolve.Auto, double cgTolerance = 1e-6, int cgMaxIterations = 200)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        if (!(mu0 > 0) || !(muGrowth >= 1) || !(muMax >= mu0))
        {
            throw new ArgumentOutOfRangeException(nameof(mu0), $"need μ₀ > 0, γ ≥ 1 and μ_max ≥ μ₀; got μ₀ = {mu0}, γ = {muGrowth}, μ_max = {muMax}");
        }
        Iterations = iterations;
        Mu0 = mu0;
        MuGrowth = muGrowth;
        MuMax = muMax;
        XStepSolve = solve;
        CgTolerance = cgTolerance;
        CgMaxIterations = cgMaxIterations;
    }

    /// <summary>K.</summary>
    public int Iterations { get; }

    /// <summary>μ₀.</summary>
    public double Mu0 { get; }

    /// <summary>γ.</summary>
    public double MuGrowth { get; }

    /// <summary>μ_max.</summary>
    public double MuMax { get; }

    /// <summary>The x-step's solve.</summary>
    public QuadraticSolve XStepSolve { get; }

    /// <summary>CG's relative tolerance per x-step.</summary>
    public double CgTolerance { get; }

    /// <summary>CG's iteration cap per x-step.</summary>
    public int CgMaxIterations { get; }

    /// <inheritdoc/>
    public string Name => "HQS-TV";

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
        var objective = new double[Iterations + 1];
        objective[0] = problem.Objective(x);
        double mu = Mu0;
        for (int k = 1; k <= Iterations; k++)
        {
            using var scope = NewDisposeScope();
            var z = tv.Shrink(tv.Gradient(x), problem.Lambda / mu);
            x.copy_(step.Solve(z, mu, x));
            objective[k] = problem.Objective(x);
            mu = Math.Min(mu * MuGrowth, MuMax);
        }
        return new TvReconstruction(x.MoveToOuterDisposeScope(), objective, step.Method, step.CgIterations);
    }
}
