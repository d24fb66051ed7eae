using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// A time-conditioned score s_θ(x, t) ≈ ∇_x log p_t(x): a batch x [B, …] and continuous times t [B] (float, in [ε, T]) in,
/// a tensor of x's shape out (new, registered in the caller's dispose scope). Every reverse-time sampler, the probability-flow
/// ODE and the likelihood of this folder depend on this delegate only.
/// </summary>
public delegate Tensor ScoreModel(Tensor x, Tensor t);
