using Diffusion.Tensors;

namespace Diffusion.Ddpm;

/// <summary>What one reverse step returns: x_{t_prev} and the model's current guess of x_0. The caller owns both.</summary>
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
