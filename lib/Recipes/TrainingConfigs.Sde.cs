using System.Globalization;
using System.Text.Json.Nodes;
using Diffusion.Data;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Models;
using Diffusion.Pretrained;
using Diffusion.Sde;
using Diffusion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Recipes;

/// <remarks>
/// The score-SDE configurations of notebook 04 (Song et al. 2021):
/// <list type="bullet">
/// <item><c>ncsnpp-mnist</c>: a small NCSN++ (<see cref="NcsnPpMnist"/>: nf 12, ch_mult (1, 2, 2), one BigGAN block per
/// level, attention only in the middle, no FIR, progressive output and input skips, 175,527 parameters) on the 8,000-digit training split
/// (<see cref="TrainingData.MnistTrainSplit"/>) in [0, 1], VE SDE σ_min 0.01, σ_max = <see cref="MnistSigmaMax"/> (Song and
/// Ermon's rule: the largest distance between two training digits, measured by <see cref="DataSpread"/>), N 1000, the
/// continuous denoising score-matching loss with λ(t) = σ(t)² and score_sde_pytorch's half-sum reduction, t ~ U(1e-5, 1);
/// batch 64, lr 2e-4 after 500 warm-up steps with a cosine decay to 1e-5, clip 1, EMA 0.999, 10,000 steps (the shipped
/// <c>data/checkpoints/ncsnpp-mnist</c>: 0.40 s/step on two quiet threads, about 70 minutes; its card has the run). Measured with
/// <c>environment/train.sh --config ncsnpp-mnist --time-steps 5 --threads 1 --synthetic</c> on this (busy, shared) 2-core
/// machine: 0.58 s/step median on one thread (0.45 to 0.63 over three runs while the load average was 13 to 20; nf 16, 310,387
/// parameters, took 0.75 to 0.99 s/step in the same conditions, and ddpm-mnist 2.3 s/step against its 1.7 s on a quiet machine).</item>
/// <item><c>ffhq256-ncsnpp</c>: score_sde_pytorch's <c>configs/ve/ffhq_256_ncsnpp_continuous.py</c> (<see cref="NcsnPpConfig.Ffhq256"/>,
/// VE σ_min 0.01, σ_max 348, N 2000, data in [0, 1] with random horizontal flips, loss as above) with its optimiser
/// (<c>default_lsun_configs.py</c>: Adam lr 2e-4, warm-up 5000, clip 1, EMA 0.999, batch 64, 2.4M iterations).</item>
/// <item><c>church48-ddpm</c>: the course UNet at 48×48 RGB (<see cref="Church48UNet"/>) with DDPM (T = 1000, linear β,
/// ε-prediction, L_simple) on LSUN church images scaled to [−1, 1] with random flips; Ho et al.'s CIFAR-10 optimiser
/// (lr 2e-4, warm-up 5000, clip 1, EMA 0.9999, batch 64, 800,000 steps); their 256×256 church model used lr 2e-5. 8,952,067
/// parameters: one step of batch 64 took 27 s on one thread of this machine (peak RSS 5.3 GB), a recipe for a GPU.</item>
/// </list>
/// The last two train on the user's image folder (<c>--data FOLDER</c> of the training command, <see cref="WithDataFolder"/>),
/// decoded batch by batch by <see cref="ImageFolderStream"/> (centre crop, resize; unreadable files skipped and replaced by the
/// next readable one): a 256² RGB image is 786 KB as float32, so FFHQ's 70,000 would need 55 GB in memory, while a batch of 64
/// needs 50 MB. All three compute on <see cref="TorchEngine.Device"/> (the GPU when LibTorch sees one); t, z and ε are drawn on the
/// CPU from the trainer's generator and moved there, so a run's numbers do not depend on the device's generator.
/// </remarks>
public static partial class TrainingConfigs
{
    /// <summary>
    /// σ_max of <c>ncsnpp-mnist</c>: the largest Euclidean distance between two of the 8,000 training digits in [0, 1]
    /// (<see cref="DataSpread.MaxPairwiseDistance"/>: 15.7664, rounded to 0.1; checked by a test). Yang Song's MNIST tutorial uses σ = 25.
    /// </summary>
    public const double MnistSigmaMax = 15.8;

    /// <summary>The names of the configs that train on a user's image folder (<c>--data FOLDER</c>).</summary>
    public static IReadOnlyList<string> FolderConfigNames { get; } = ["ffhq256-ncsnpp", "church48-ddpm"];

    /// <summary>(A fresh instance on each call.) The NCSN++ of <c>ncsnpp-mnist</c>: <see cref="NcsnPpConfig.MnistSmall"/> with nf 12, attention only in the middle, VE σ ∈ [0.01, <see cref="MnistSigmaMax"/>].</summary>
    public static NcsnPpConfig NcsnPpMnist => NcsnPpConfig.MnistSmall with
    {
        Nf = 12,
        AttnResolutions = [],
        SigmaMax = MnistSigmaMax,
    };

    /// <summary>
    /// (A fresh instance on each call.) The UNet of <c>church48-ddpm</c>: 48×48×3, ch 64 × (1, 2, 2, 2) (resolutions 48, 24, 12,
    /// 6), 2 blocks per level, attention at 12, dropout 0.1.
    /// </summary>
    public static UNetConfig Church48UNet => new()
    {
        ImageChannels = 3,
        ImageSize = 48,
        BaseChannels = 64,
        ChannelMultipliers = [1, 2, 2, 2],
        ResBlocksPerLevel = 2,
        AttentionResolutions = [12],
        Dropout = 0.1,
    };

    /// <summary>The score-SDE configurations of notebook 04 (NCSN++ on MNIST, FFHQ-256, LSUN church 48).</summary>
    private static IEnumerable<TrainingConfig> SdeConfigs() =>
    [
        NcsnPpVe("ncsnpp-mnist", $"NCSN++ (nf 12, ~0.18M parameters), VE SDE sigma 0.01..{MnistSigmaMax.ToString(CultureInfo.InvariantCulture)}, continuous DSM, on the 8,000-digit MNIST training split",
            NcsnPpMnist, () => TrainingData.MnistTrainSplit.Load(), randomFlip: false,
            new TrainerOptions { Steps = 10000, BatchSize = 64, LearningRate = 2e-4, WarmupSteps = 500, Decay = LearningRateDecay.Cosine, MinLearningRate = 1e-5, GradClip = 1.0, EmaDecay = 0.999, CheckpointEvery = 100, CheckpointEverySeconds = 300 }),
        Ffhq256NcsnPp(),
        Church48Ddpm(),
    ];

    /// <summary>
    /// <c>ffhq256-ncsnpp</c> on the images under <paramref name="dataFolder"/> (null: a config whose data build says how to pass
    /// the folder); <paramref name="model"/> replaces <see cref="NcsnPpConfig.Ffhq256"/> (e.g. a small one for tests).
    /// </summary>
    public static TrainingConfig Ffhq256NcsnPp(string? dataFolder = null, NcsnPpConfig? model = null)
    {
        const string name = "ffhq256-ncsnpp";
        var config = model ?? NcsnPpConfig.Ffhq256;
        return NcsnPpVe(name, "NCSN++ FFHQ-256 (score_sde_pytorch's ve/ffhq_256_ncsnpp_continuous), VE SDE sigma 0.01..348, N 2000, on your image folder (--data)",
            config, () => LoadFolder(name, dataFolder, config.ImageSize, config.NumChannels), randomFlip: true,
            new TrainerOptions { Steps = 2_400_000, BatchSize = 64, LearningRate = 2e-4, WarmupSteps = 5000, GradClip = 1.0, EmaDecay = 0.999, CheckpointEvery = 5000, CheckpointEverySeconds = 600 });
    }

    /// <summary>
    /// <c>church48-ddpm</c> on the images under <paramref name="dataFolder"/> (null: a config whose data build says how to pass
    /// the folder); <paramref name="unet"/> replaces <see cref="Church48UNet"/> (e.g. a small one for tests).
    /// </summary>
    public static TrainingConfig Church48Ddpm(string? dataFolder = null, UNetConfig? unet = null)
    {
        const string name = "church48-ddpm";
        var config = unet ?? Church48UNet;
        var defaults = new TrainerOptions { Steps = 800_000, BatchSize = 64, LearningRate = 2e-4, WarmupSteps = 5000, GradClip = 1.0, EmaDecay = 0.9999, CheckpointEvery = 5000, CheckpointEverySeconds = 600 };
        return new TrainingConfig(name, "DDPM UNet (48x48 RGB, ch 64 x [1, 2, 2, 2]) on LSUN church images from your image folder (--data)", defaults,
            options => DeviceDdpmSetup(name, config, options, LoadFolder(name, dataFolder, config.ImageSize, config.ImageChannels)))
        {
            BuildSynthetic = options => DeviceDdpmSetup(name, config, options, SyntheticImages(config.ImageChannels, config.ImageSize, options)),
        };
    }

    /// <summary>True when <paramref name="config"/> trains on a user's image folder (<see cref="FolderConfigNames"/>).</summary>
    public static bool TakesDataFolder(TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return FolderConfigNames.Contains(config.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The folder config <paramref name="config"/> reading its images from <paramref name="folder"/>; throws for a config that
    /// has its own data set (naming the ones that take a folder).
    /// </summary>
    public static TrainingConfig WithDataFolder(TrainingConfig config, string folder)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        return config.Name.ToLowerInvariant() switch
        {
            "ffhq256-ncsnpp" => Ffhq256NcsnPp(folder),
            "church48-ddpm" => Church48Ddpm(folder),
            _ => throw new ArgumentException($"{config.Name} trains on its own data set; --data FOLDER is for {string.Join(", ", FolderConfigNames)}"),
        };
    }

    /// <summary>
    /// A VE-SDE NCSN++ config: the network of <paramref name="model"/> on <see cref="TorchEngine.Device"/>, the VE SDE of its
    /// σ_min, σ_max and N, the σ²-weighted continuous score-matching loss (half-sum reduction, ε = 1e-5) of the score
    /// s_θ(x, t) = NCSN++(x, σ(t)), and a seeded epoch-shuffling loader over the images (in [0, 1], or [−1, 1] when the model
    /// says centred).
    /// </summary>
    public static TrainingConfig NcsnPpVe(string name, string description, NcsnPpConfig model, Func<IImageSource> data, bool randomFlip, TrainerOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        model.Validate();
        return new TrainingConfig(name, description, defaults, options => NcsnPpSetup(name, model, options, data(), randomFlip))
        {
            BuildSynthetic = options => NcsnPpSetup(name, model, options, SyntheticImages(model.NumChannels, model.ImageSize, options), randomFlip),
        };
    }

    /// <summary>The process of a VE NCSN++ model card: the VE SDE of the config's σ_min, σ_max and N, data centred or in [0, 1].</summary>
    public static VeSdeProcess VeProcess(NcsnPpConfig model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return VeSdeProcess.Create(model.SigmaMin, model.SigmaMax, model.NumScales, model.Centered);
    }

    private static TrainingSetup NcsnPpSetup(string name, NcsnPpConfig config, TrainerOptions options, IImageSource dataset, bool randomFlip)
    {
        NcsnPp? model = null;
        try
        {
            manual_seed((long)options.Seed);
            var device = TorchEngine.Device;
            model = new NcsnPp(config);
            model.to(device);
            var net = model;
            var process = VeProcess(config);
            var sde = process.Sde();
            var loss = new ScoreMatchingLoss(sde, LossWeighting.SigmaSquared, LossReduction.HalfSum, eps: 1e-5);
            ScoreModel score = (x, t) => net.call(x, sde.MarginalStd(t));
            var loader = new DataLoader(dataset, options.BatchSize, shuffle: true, seed: unchecked((int)options.Seed), dropLast: true,
                randomHorizontalFlip: randomFlip, scaleToMinusOneOne: config.Centered, device: device);
            var batches = BatchSources.FromSequence(() => loader.Batches().Select(TakeImages));
            var run = new RunDescription(name, $"{dataset.Name}, {(config.Centered ? "scaled to [-1, 1]" : "in [0, 1]")}{(randomFlip ? ", random horizontal flips" : "")}, shuffled each epoch (seed {options.Seed})")
            {
                Process = process.ToJson(),
                ArchitectureConfig = JsonNode.Parse(config.ToJson()),
            };
            TrainingLoss train = (batch, g) =>
            {
                // As ScoreMatchingLoss.Compute (t first, then z, from the trainer's generator), drawn on the CPU.
                using var scope = NewDisposeScope();
                var t = rand([batch.shape[0]], dtype: batch.dtype, generator: g) * (sde.T - loss.Eps) + loss.Eps;
                var z = randn(batch.shape, dtype: batch.dtype, generator: g);
                return loss.Compute(score, batch, t.to(batch.device), z.to(batch.device)).MoveToOuterDisposeScope();
            };
            return new TrainingSetup(model, train, batches, run) { Owned = dataset is IDisposable owned ? [owned] : [] };
        }
        catch
        {
            model?.Dispose();
            (dataset as IDisposable)?.Dispose();
            throw;
        }
    }

    private static TrainingSetup DeviceDdpmSetup(string name, UNetConfig unet, TrainerOptions options, IImageSource dataset)
    {
        UNet? model = null;
        try
        {
            manual_seed((long)options.Seed);
            var device = TorchEngine.Device;
            model = new UNet(unet);
            model.to(device);
            var epsilon = EpsilonModels.From(model);
            var process = LinearDdpm;
            var loss = new DdpmLoss(process.NoiseSchedule());
            var loader = new DataLoader(dataset, options.BatchSize, shuffle: true, seed: unchecked((int)options.Seed), dropLast: true,
                randomHorizontalFlip: true, scaleToMinusOneOne: true, device: device);
            var batches = BatchSources.FromSequence(() => loader.Batches().Select(TakeImages));
            var run = new RunDescription(name, $"{dataset.Name}, scaled to [-1, 1], random horizontal flips, shuffled each epoch (seed {options.Seed})")
            {
                Process = process.ToJson(),
                ArchitectureConfig = JsonNode.Parse(unet.ToJson()),
            };
            TrainingLoss train = (batch, g) =>
            {
                // As DdpmLoss.Compute (t first, then ε, from the trainer's generator), drawn on the CPU.
                using var scope = NewDisposeScope();
                var t = randint(0, loss.Schedule.T, [batch.shape[0]], dtype: ScalarType.Int64, generator: g);
                var noise = randn(batch.shape, dtype: batch.dtype, generator: g);
                return loss.Compute(epsilon, batch, t.to(batch.device), noise.to(batch.device)).MoveToOuterDisposeScope();
            };
            return new TrainingSetup(model, train, batches, run) { Owned = dataset is IDisposable owned ? [owned] : [] };
        }
        catch
        {
            model?.Dispose();
            (dataset as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The images under <paramref name="folder"/> at <paramref name="size"/>² with <paramref name="channels"/> channels, decoded batch
    /// by batch (<see cref="ImageFolderStream"/>); a clear error without a folder.
    /// </summary>
    private static ImageFolderStream LoadFolder(string name, string? folder, int size, int channels)
    {
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new InvalidOperationException(
                $"{name} trains on your own image folder: pass it with --data FOLDER, e.g. dotnet run --project environment/cli -- train --config {name} --data /path/to/images " +
                $"(PNG, JPEG, WebP, BMP or GIF, any size: centre-cropped and resized to {size}x{size}); in code, TrainingConfigs.WithDataFolder(config, folder)");
        }
        return ImageFolderStream.Open(folder, size, channels, BadImagePolicy.Skip);
    }

    /// <summary>Uniform noise of the data's shape: 1024 images, fewer when they are large (at most 64 MB, at least one batch).</summary>
    private static ImageDataset SyntheticImages(int channels, int size, TrainerOptions options)
    {
        int count = Math.Max(options.BatchSize, (int)Math.Min(1024, 64L * 1024 * 1024 / (4L * channels * size * size)));
        using var g = new Generator(options.Seed);
        return new ImageDataset($"synthetic: uniform noise of the data's shape, {count} images",
            rand([count, channels, size, size], generator: g).DetachFromDisposeScope());
    }
}
