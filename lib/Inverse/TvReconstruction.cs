using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>What a TV baseline returns.</summary>
/// <param name="X">The reconstruction x̂ [N, C, H, W] (the caller owns it; it is in the caller's dispose scope).</param>
/// <param name="Objective">F(x_k) = ½‖A x_k − y‖² + λ TV(x_k) (exact TV, summed over the batch) for k = 0 (the start) … K.</param>
/// <param name="XStep">The x-step's solve (<see cref="QuadraticSolve.Fourier"/> or <see cref="QuadraticSolve.ConjugateGradient"/>), null for Adam.</param>
/// <param name="CgIterations">The conjugate-gradient iterations run in all (0 for FFT and Adam).</param>
public sealed record TvReconstruction(Tensor X, double[] Objective, QuadraticSolve? XStep, int CgIterations);

/// <summary>A solver of <see cref="TvProblem"/> (one of the classical baselines of the inverse-problems notebook).</summary>
public interface ITvSolver
{
    /// <summary>A short name for tables ("ADMM-TV").</summary>
    string Name { get; }

    /// <summary>Approximately minimises F for <paramref name="problem"/>, starting from <paramref name="x0"/> (null: Aᵀy).</summary>
    TvReconstruction Solve(TvProblem problem, Tensor? x0 = null);
}
