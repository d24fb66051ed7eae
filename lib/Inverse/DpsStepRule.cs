namespace Diffusion.Inverse;

/// <summary>
/// Which norm of the measurement residual r = y − A(x̂_0(x_t)) DPS steps down (<see cref="DpsOptions.StepRule"/>). Per image b
/// of a batch, with J_b = ∂r_b/∂x_t (through the ε-model):
/// <list type="bullet">
/// <item><see cref="UnsquaredNorm"/>: x_s = x'_s − ζ ∇‖r_b‖ = x'_s − ζ J_bᵀ r_b/‖r_b‖ (the public code; the default);</item>
/// <item><see cref="SquaredNorm"/>: x_s = x'_s − ζ ∇‖r_b‖² = x'_s − 2ζ J_bᵀ r_b (Algorithm 1 of the paper as printed, ζ_i = ζ constant).</item>
/// </list>
/// The two directions agree; the lengths differ by 2‖r_b‖: ∇‖r‖² = 2‖r‖ ∇‖r‖. The paper's own choice of step (Chung et al. 2023,
/// appendix C: ζ_i = ζ'/‖y − A(x̂_0)‖ on the squared norm) is the unsquared rule with ζ = 2ζ': the published ζ values are the
/// public code's, for the unsquared rule. With the squared rule the step grows with the residual, so ζ must be chosen anew (at a
/// residual ‖r‖, ζ_squared = ζ/(2‖r‖) takes the same step).
/// </summary>
public enum DpsStepRule
{
    /// <summary>ζ ∇_{x_t} ‖y − A(x̂_0)‖: the gradient of the unsquared norm (DPS2022's <c>PosteriorSampling</c>, <c>norm_grad * scale</c>).</summary>
    UnsquaredNorm,

    /// <summary>ζ ∇_{x_t} ‖y − A(x̂_0)‖²: the gradient of the squared norm with a constant ζ (Algorithm 1's line 7 as printed).</summary>
    SquaredNorm,
}
