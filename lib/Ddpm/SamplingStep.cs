using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// What a sampling loop shows its observer after each step. The tensors belong to the loop's dispose scope and are valid only
/// during the call; so is anything the observer computes from them. To keep a copy, take it out of the scope:
/// <c>step.Sample.clone().DetachFromDisposeScope()</c> (then dispose it yourself), or read values (<c>data&lt;float&gt;().ToArray()</c>).
/// </summary>
/// <param name="Index">The step number, 0 … Count − 1.</param>
/// <param name="Count">The number of steps of the loop.</param>
/// <param name="Timestep">The timestep t just stepped from (0-based).</param>
/// <param name="Sample">x after the step.</param>
/// <param name="PredOriginalSample">x̂_0 predicted at this step.</param>
public readonly record struct SamplingStep(int Index, int Count, int Timestep, Tensor Sample, Tensor PredOriginalSample);
