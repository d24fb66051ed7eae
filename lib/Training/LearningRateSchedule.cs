using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Training;

/// <summary>What the learning rate does after the warm-up (written by name in checkpoints and model cards).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LearningRateDecay>))]
public enum LearningRateDecay
{
    /// <summary>Stays at the base rate (DDPM's schedule).</summary>
    None,

    /// <summary>Falls along half a cosine from the base rate to the minimum rate at the last step.</summary>
    Cosine,
}

/// <summary>
/// The learning rate of every step: a linear warm-up (DDPM warms up for 5,000 steps), then constant or a cosine decay.
/// </summary>
/// <remarks>
/// After t steps, with w warm-up steps, T steps in all, base rate η and minimum rate η_min:
/// η_t = η · min(1, (t + 1) / w) during the warm-up; afterwards η (no decay) or
/// η_min + (η − η_min) · ½ (1 + cos(π (t − w) / (T − w))) (cosine). Course code rather than a TorchSharp scheduler because a
/// resumed run must jump to any step (<see cref="SetStep"/>) without replaying the schedule. It sets the rate of every
/// parameter group; <see cref="BaseLearningRate"/> is the rate the optimizer had when the schedule was attached.
/// </remarks>
public sealed class LearningRateSchedule
{
    private readonly optim.Optimizer _optimizer;

    /// <summary>Attaches the schedule to <paramref name="optimizer"/> and sets the rate of step 0.</summary>
    public LearningRateSchedule(optim.Optimizer optimizer, int warmupSteps, LearningRateDecay decay = LearningRateDecay.None, long totalSteps = 0, double minLearningRate = 0)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(warmupSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(totalSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(minLearningRate);
        _optimizer = optimizer;
        WarmupSteps = warmupSteps;
        Decay = decay;
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
        BaseLearningRate = optimizer.ParamGroups.First().LearningRate;
        Apply();
    }

    /// <summary>The rate after the warm-up (η).</summary>
    public double BaseLearningRate { get; }

    /// <summary>Steps to reach <see cref="BaseLearningRate"/> (w).</summary>
    public int WarmupSteps { get; }

    /// <summary>What happens after the warm-up.</summary>
    public LearningRateDecay Decay { get; }

    /// <summary>The step count the decay ends at (T).</summary>
    public long TotalSteps { get; }

    /// <summary>The rate the decay ends at (η_min).</summary>
    public double MinLearningRate { get; }

    /// <summary>Optimizer steps taken so far.</summary>
    public long StepCount { get; private set; }

    /// <summary>The rate the optimizer uses now.</summary>
    public double LearningRate => _optimizer.ParamGroups.First().LearningRate;

    /// <summary>min(1, (t + 1) / warmup): the warm-up's factor on the base rate after <paramref name="t"/> steps.</summary>
    public static double Factor(long t, int warmupSteps) => Math.Min(1.0, (t + 1) / (double)warmupSteps);

    /// <summary>η_t after <paramref name="t"/> steps (see the class's remarks).</summary>
    public static double RateAt(long t, double baseRate, int warmupSteps, LearningRateDecay decay, long totalSteps, double minRate)
    {
        if (decay == LearningRateDecay.None || t < warmupSteps)
        {
            return baseRate * Factor(t, warmupSteps);
        }
        double progress = Math.Clamp((t - warmupSteps) / (double)Math.Max(1, totalSteps - warmupSteps), 0, 1);
        return minRate + (baseRate - minRate) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

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
        double lr = RateAt(StepCount, BaseLearningRate, WarmupSteps, Decay, TotalSteps, MinLearningRate);
        foreach (var group in _optimizer.ParamGroups)
        {
            group.LearningRate = lr;
        }
    }
}
