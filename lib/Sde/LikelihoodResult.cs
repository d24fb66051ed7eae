using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// What <see cref="OdeLikelihood"/> returns for a batch x [B, …] (the caller owns the tensors: dispose the result).
/// log p_ε(x) = log p_T(z) + Δ, Δ = ∫_ε^T ∇·f̃(x(t), t) dt.
/// </summary>
/// <param name="LogLikelihood">log p_ε(x) in nats, per row [B], of the model-space density (float64).</param>
/// <param name="BitsPerDim">−log p_ε(x) / (D ln 2) plus the data-range offset when a <see cref="DataScaling"/> was given, [B].</param>
/// <param name="Latent">z = x(T), the probability-flow ODE's image of x, x's shape (float64).</param>
/// <param name="PriorLogProb">log p_T(z) [B].</param>
/// <param name="DeltaLogP">Δ = ∫_ε^T ∇·f̃ dt [B].</param>
/// <param name="Nfe">Evaluations of the ODE's right-hand side (each: one score evaluation and its divergence).</param>
/// <param name="Accepted">Accepted solver steps.</param>
/// <param name="Rejected">Rejected solver steps.</param>
public sealed record LikelihoodResult(Tensor LogLikelihood, Tensor BitsPerDim, Tensor Latent, Tensor PriorLogProb, Tensor DeltaLogP,
    int Nfe, int Accepted, int Rejected) : IDisposable
{
    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        LogLikelihood.Dispose();
        BitsPerDim.Dispose();
        Latent.Dispose();
        PriorLogProb.Dispose();
        DeltaLogP.Dispose();
    }
}
