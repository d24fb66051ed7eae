using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sampling;

/// <summary>
/// What every sampling loop shows its observer after each step (<see cref="SamplingLoop"/>). The tensors belong to the loop's
/// dispose scope and are valid only during the call; so is anything the observer computes from them. To keep a copy, take it
/// out of the scope: <c>step.Sample.clone().DetachFromDisposeScope()</c> (then dispose it yourself), or read values
/// (<c>data&lt;float&gt;().ToArray()</c>).
/// </summary>
/// <param name="Index">The step number, 0 … Count − 1.</param>
/// <param name="Count">The number of steps of the loop.</param>
/// <param name="Timestep">Where the step started: the 0-based timestep t of a DDPM sampler, the discretisation index i of an SDE
/// sampler (N − 1 … 0), the severity s of a cold sampler, the noise level's index of a Langevin chain.</param>
/// <param name="Sample">x after the step.</param>
/// <param name="PredOriginalSample">x̂_0 predicted at this step, or null for samplers that do not predict it (PC, Langevin).</param>
public readonly record struct SamplingStep(int Index, int Count, int Timestep, Tensor Sample, Tensor? PredOriginalSample);
