using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// The small surface every reverse-process sampler shares (after diffusers' schedulers): choose the timesteps, then step from
/// x_t to x_{t_prev} given the model's output at t. The model is not part of the sampler.
/// </summary>
public interface ISampler
{
    /// <summary>The forward-process schedule the model was trained with.</summary>
    NoiseSchedule Schedule { get; }

    /// <summary>The timesteps (0-based, largest first) that a sampling loop visits; all T of them until <see cref="SetTimesteps(int)"/>.</summary>
    int[] Timesteps { get; }

    /// <summary>Chooses <paramref name="count"/> of the T timesteps (by the sampler's <see cref="TimestepSpacing"/>).</summary>
    void SetTimesteps(int count);

    /// <summary>
    /// One reverse step from x_t (<paramref name="x"/>) at timestep <paramref name="t"/> (one of <see cref="Timesteps"/>) to the
    /// next timestep of the list (or to x_0 after the last), given the model's noise prediction <paramref name="modelOutput"/>.
    /// Random draws come from <paramref name="generator"/> (or the global generator).
    /// </summary>
    StepResult Step(Tensor modelOutput, int t, Tensor x, torch.Generator? generator = null);

    /// <summary>The same step with its random draws (if any) taken from <paramref name="noise"/>.</summary>
    StepResult Step(Tensor modelOutput, int t, Tensor x, NoiseSource noise);
}
