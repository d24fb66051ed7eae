namespace Diffusion.Optim;

/// <summary>
/// Linear learning-rate warm-up, as the DDPM reference code uses: lr_t = lr * min(1, (t + 1) / warmup), where t
/// counts calls to <see cref="Step"/> (PyTorch's <c>LambdaLR</c> with that lambda).
/// </summary>
/// <remarks>
/// Construction sets the rate for t = 0; call <see cref="Step"/> after each optimizer step, as with PyTorch schedulers:
/// <code>
/// var opt = new Adam(model, lr: 2e-4);
/// var warmup = new LinearWarmup(opt, warmupSteps: 5000);
/// for (...) { loss.Backward(); opt.Step(); opt.ZeroGrad(); warmup.Step(); }
/// </code>
/// </remarks>
public sealed class LinearWarmup
{
    private readonly Optimizer _optimizer;

    /// <summary>Warms up <paramref name="optimizer"/>'s current learning rate (the base rate) over <paramref name="warmupSteps"/> steps.</summary>
    public LinearWarmup(Optimizer optimizer, int warmupSteps)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(warmupSteps, 1);
        _optimizer = optimizer;
        WarmupSteps = warmupSteps;
        BaseLearningRate = optimizer.LearningRate;
        Apply();
    }

    /// <summary>The rate reached at the end of the warm-up.</summary>
    public double BaseLearningRate { get; }

    /// <summary>The number of steps to reach <see cref="BaseLearningRate"/>.</summary>
    public int WarmupSteps { get; }

    /// <summary>Scheduler steps taken (t).</summary>
    public long StepCount { get; private set; }

    /// <summary>The factor min(1, (t + 1) / warmup).</summary>
    public static double Factor(long t, int warmupSteps) => Math.Min(1.0, (t + 1) / (double)warmupSteps);

    /// <summary>Advances t and sets the optimizer's rate to lr * min(1, (t + 1) / warmup).</summary>
    public void Step()
    {
        StepCount++;
        Apply();
    }

    /// <summary>Sets t (e.g. when resuming from a checkpoint) and the rate that goes with it.</summary>
    public void SetStep(long t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        StepCount = t;
        Apply();
    }

    private void Apply() => _optimizer.LearningRate = BaseLearningRate * Factor(StepCount, WarmupSteps);
}
