using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Training;

/// <summary>
/// Linear learning-rate warm-up (DDPM trains with 5,000 warm-up steps): lr_t = lr · min(1, (t + 1) / warmup) after t steps.
/// </summary>
/// <remarks>
/// Course code because it must restore to any step on resume (<see cref="SetStep"/>) without replaying the schedule.
/// It sets the learning rate of every parameter group of the optimizer; <see cref="BaseLearningRate"/> is the rate the
/// optimizer had when the warm-up was attached.
/// </remarks>
public sealed class LinearWarmup
{
    private readonly optim.Optimizer _optimizer;

    /// <summary>Attaches the warm-up to <paramref name="optimizer"/> and sets the rate of step 0.</summary>
    public LinearWarmup(optim.Optimizer optimizer, int warmupSteps)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(warmupSteps, 1);
        _optimizer = optimizer;
        WarmupSteps = warmupSteps;
        BaseLearningRate = optimizer.ParamGroups.First().LearningRate;
        Apply();
    }

    /// <summary>The rate after the warm-up.</summary>
    public double BaseLearningRate { get; }

    /// <summary>Steps to reach <see cref="BaseLearningRate"/>.</summary>
    public int WarmupSteps { get; }

    /// <summary>Optimizer steps taken so far.</summary>
    public long StepCount { get; private set; }

    /// <summary>The rate the optimizer uses now.</summary>
    public double LearningRate => _optimizer.ParamGroups.First().LearningRate;

    /// <summary>min(1, (t + 1) / warmup): the factor on the base rate after <paramref name="t"/> steps.</summary>
    public static double Factor(long t, int warmupSteps) => Math.Min(1.0, (t + 1) / (double)warmupSteps);

    /// <summary>Call after each optimizer step.</summary>
    public void Step()
    {
        StepCount++;
        Apply();
    }

    /// <summary>Jumps to step <paramref name="t"/> (resuming a run).</summary>
    public void SetStep(long t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        StepCount = t;
        Apply();
    }

    private void Apply()
    {
        double lr = BaseLearningRate * Factor(StepCount, WarmupSteps);
        foreach (var group in _optimizer.ParamGroups)
        {
            group.LearningRate = lr;
        }
    }
}
