using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// What one reverse step returns: x_{t_prev} and the model's current guess of x_0. Both are new tensors registered in the
/// caller's dispose scope (or owned by the caller when there is none: dispose the result). Deconstructs as
/// <c>var (prev, x0) = sampler.Step(…)</c>.
/// </summary>
/// <param name="PrevSample">x at the previous (smaller) timestep.</param>
/// <param name="PredOriginalSample">x̂_0 predicted at this step (clipped when the sampler clips).</param>
public sealed record StepResult(Tensor PrevSample, Tensor PredOriginalSample) : IDisposable
{
    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        PrevSample.Dispose();
        PredOriginalSample.Dispose();
    }
}
