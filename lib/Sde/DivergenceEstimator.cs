namespace Diffusion.Sde;

/// <summary>
/// How <see cref="OdeLikelihood"/> evaluates ∇·f̃(x, t) = Tr(∂f̃/∂x), the divergence of the probability-flow drift, at each
/// right-hand-side evaluation.
/// </summary>
public enum DivergenceEstimator
{
    /// <summary>
    /// The Hutchinson-Skilling estimate E_v[vᵀ (∂f̃/∂x) v] with v uniform on {−1, +1}^D (score_sde_pytorch's default): one
    /// vector-Jacobian product; its variance is 2 Σ_{i≠j} J_ij², zero for a diagonal Jacobian.
    /// </summary>
    Rademacher,

    /// <summary>The Hutchinson-Skilling estimate with v ~ N(0, I): one vector-Jacobian product; variance 2 ‖(J + Jᵀ)/2‖_F².</summary>
    Gaussian,

    /// <summary>The exact trace Σ_j e_jᵀ (∂f̃/∂x) e_j: D vector-Jacobian products, for tiny D (tests, 2-D toy data).</summary>
    Exact,
}
