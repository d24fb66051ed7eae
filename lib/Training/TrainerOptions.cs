using Diffusion.Engine;

namespace Diffusion.Training;

/// <summary>
/// The settings of a training run (<see cref="Trainer"/>): Algorithm 1 of Ho et al. (2020) with Adam, a linear
/// learning-rate warm-up, gradient clipping and an exponential moving average of the weights.
/// </summary>
/// <remarks>
/// Serialised into every checkpoint and model card (System.Text.Json, camelCase), so a run can be repeated from its card.
/// The DDPM paper's CIFAR-10 values are lr 2e-4, warm-up 5000, clip 1, EMA 0.9999, batch 128; short CPU runs use
/// a shorter warm-up and a faster EMA (0.999 or 0.9995), see the recipes (<c>Diffusion.Recipes.TrainingConfigs</c>).
/// </remarks>
public sealed record TrainerOptions
{
    /// <summary>The total number of optimizer steps (a resumed run stops at the same total).</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Images per step (the batch source is asked for batches of this size).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's learning rate after the warm-up.</summary>
    public double LearningRate { get; init; } = 2e-4;

    /// <summary>Steps of linear warm-up: lr_t = lr · min(1, (t + 1) / warmup).</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>What the learning rate does after the warm-up (default: stays constant, as in DDPM).</summary>
    public LearningRateDecay Decay { get; init; }

    /// <summary>The rate a <see cref="LearningRateDecay.Cosine"/> decay ends at, at step <see cref="Steps"/>.</summary>
    public double MinLearningRate { get; init; }

    /// <summary>The maximum joint 2-norm of the gradients (0 or less: no clipping).</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>The EMA decay: shadow = decay · shadow + (1 − decay) · θ after every step.</summary>
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>Write a checkpoint every this many steps (0: only at the end and on cancel).</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Also write a checkpoint when this many seconds passed since the last one (0: off).</summary>
    public double CheckpointEverySeconds { get; init; }

    /// <summary>
    /// The precision of the forward pass and the loss: <see cref="Precision.Float32"/>, or <see cref="Precision.BFloat16"/>
    /// autocast with float32 weights, gradients, optimizer state, loss and EMA (see <see cref="Autocast"/>).
    /// </summary>
    public Precision Precision { get; init; }

    /// <summary>The seed of the trainer's generator (noise, timesteps, batches) and of the per-step global seed (dropout).</summary>
    public ulong Seed { get; init; }

    /// <summary>The folder for <c>checkpoint.safetensors</c>, <c>model.safetensors</c> and their cards (null: keep nothing on disk).</summary>
    public string? OutputFolder { get; init; }

    /// <summary>Continue from <c>checkpoint.safetensors</c> in <see cref="OutputFolder"/> when it exists.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Start a fresh run from these weights instead of the model's initialisation: a trained model folder
    /// (its <c>model.safetensors</c>, else its checkpoint's EMA) or a <c>.safetensors</c> file. The EMA starts at them too;
    /// Adam's moments, the step count and the schedule start fresh. A checkpoint in <see cref="OutputFolder"/> wins on resume.
    /// </summary>
    public string? InitialWeights { get; init; }

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        static void Require(bool ok, string name, object value, string rule)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} {rule}");
            }
        }

        Require(Steps >= 0, nameof(Steps), Steps, "must be >= 0");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be >= 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be a finite number > 0");
        Require(WarmupSteps >= 1, nameof(WarmupSteps), WarmupSteps, "must be >= 1 (1 means no warm-up)");
        Require(MinLearningRate >= 0 && MinLearningRate <= LearningRate, nameof(MinLearningRate), MinLearningRate, "must lie in [0, LearningRate]");
        Require(double.IsFinite(GradClip), nameof(GradClip), GradClip, "must be finite");
        Require(EmaDecay is >= 0 and <= 1, nameof(EmaDecay), EmaDecay, "must lie in [0, 1]");
        Require(CheckpointEvery >= 0, nameof(CheckpointEvery), CheckpointEvery, "must be >= 0");
        Require(CheckpointEverySeconds >= 0 && double.IsFinite(CheckpointEverySeconds), nameof(CheckpointEverySeconds), CheckpointEverySeconds, "must be a finite number >= 0");
        Require(Precision is Precision.Float32 or Precision.BFloat16, nameof(Precision), Precision, "must be Float32 or BFloat16");
        Require(!Resume || OutputFolder is not null, nameof(Resume), Resume, "needs an OutputFolder to resume from");
    }
}
