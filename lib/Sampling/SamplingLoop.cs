using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sampling;

/// <summary>What one step of a sampling loop returns: x after the step (a new tensor), x̂_0 when the sampler predicts it, and where the step started.</summary>
/// <param name="Next">x after the step, a new tensor in the step's dispose scope.</param>
/// <param name="PredOriginal">x̂_0 of this step, or null.</param>
/// <param name="Timestep">The step's timestep, index or level (see <see cref="SamplingStep.Timestep"/>).</param>
public readonly record struct LoopStep(Tensor Next, Tensor? PredOriginal, int Timestep);

/// <summary>
/// The one loop every sampler runs (DDPM, DDIM, DPS, SDEdit, ScoreALD, PC, cold, Langevin): x_{i+1} = step(i, x_i) for
/// i = 0 … count − 1 without gradients, each step in its own dispose scope (memory stays flat for any number of steps), with the
/// host's cancellation checked before each step, the observer told after it, and a progress display when asked for.
/// </summary>
public static class SamplingLoop
{
    /// <summary>
    /// Runs <paramref name="count"/> steps from <paramref name="start"/> and returns the last x, registered in the caller's dispose
    /// scope (or owned by the caller when there is none); with <paramref name="count"/> = 0 that is <paramref name="start"/> itself.
    /// Every intermediate x is freed; <paramref name="start"/> is freed only when <paramref name="ownsStart"/>. On an exception
    /// (a cancelled loop included) everything the loop made is freed.
    /// </summary>
    /// <param name="start">x_0 of the loop (x_T of a sampler).</param>
    /// <param name="count">The number of steps.</param>
    /// <param name="label">The progress display's label (the sampler's name).</param>
    /// <param name="step">One step: its index and the current x in, <see cref="LoopStep"/> out. Runs inside the step's dispose scope.</param>
    /// <param name="hooks">Observer, progress, cancellation (null: none).</param>
    /// <param name="ownsStart">Free <paramref name="start"/> once the first step has replaced it (for a start the sampler made).</param>
    public static Tensor Run(Tensor start, int count, string label, Func<int, Tensor, LoopStep> step, SamplingHooks? hooks = null, bool ownsStart = false)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        hooks ??= SamplingHooks.None;
        using var noGrad = torch.no_grad();
        using var progress = hooks.ShowProgress ? LoopHost.Progress(count, label) : null;
        var x = start;
        try
        {
            for (int i = 0; i < count; i++)
            {
                LoopHost.ThrowIfCancelled(hooks.Cancellation);
                using var scope = torch.NewDisposeScope();
                var result = step(i, x);
                hooks.Observer?.Invoke(new SamplingStep(i, count, result.Timestep, result.Next, result.PredOriginal));
                var next = result.Next.MoveToOuterDisposeScope();
                if (!ReferenceEquals(next, x) && (ownsStart || !ReferenceEquals(x, start)))
                {
                    x.Dispose();
                }
                x = next;
                progress?.Report(i + 1);
            }
            return x;
        }
        catch
        {
            if (ownsStart || !ReferenceEquals(x, start))
            {
                x.Dispose();
            }
            throw;
        }
    }
}
