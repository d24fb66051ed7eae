using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>Samples and what they cost: the number of score (network) evaluations and, for the adaptive ODE solver, its accepted steps.</summary>
/// <param name="Samples">The samples (the caller owns them).</param>
/// <param name="Nfe">Function evaluations: score-model calls.</param>
/// <param name="Steps">Steps taken (accepted steps for an adaptive solver).</param>
public sealed record SampleResult(Tensor Samples, int Nfe, int Steps);
