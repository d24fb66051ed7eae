using System.Text.Json.Nodes;
using Diffusion.Cold;
using Diffusion.Data;
using Diffusion.Models;
using Diffusion.Pretrained;
using Diffusion.Training;
using static TorchSharp.torch;

namespace Diffusion.Recipes;

/// <remarks>
/// The cold-diffusion configurations of notebook 06 (Bansal et al. 2022): a restoration network R_θ(x_s, s) = the course
/// UNet (<see cref="ColdUNet"/>: channels 32/64/64, one block per level, attention at 7×7, no dropout) that predicts x_0
/// from D(x_0, s), trained with the ℓ1 loss <see cref="ColdLoss"/> on the 8,000-digit training split scaled to [−1, 1]:
/// <list type="bullet">
/// <item><c>cold-blur-mnist</c>: <see cref="CumulativeBlur.Mnist"/> (T = 40, 11×11 kernel, σ 7, circular padding).</item>
/// <item><c>cold-mask-mnist</c>: <see cref="GaussianMask.Mnist"/> (T = 20).</item>
/// <item><c>cold-sr-mnist</c>: <see cref="BlockSuperResolution.Mnist"/> (28 → 14 → 7 → 4, T = 3).</item>
/// </list>
/// Batch 32, 3,500 steps, lr 2e-4 after 200 warm-up steps with a cosine decay to 1e-5, clip 1, EMA 0.999 (0.42 s/step on one
/// idle thread of this machine; the shipped blur model took longer beside other work, see its card).
/// </remarks>
public static partial class TrainingConfigs
{
    /// <summary>The restoration UNet of the cold configs: <see cref="UNetConfig.MnistSmall"/> with one block per level and no dropout.</summary>
    public static UNetConfig ColdUNet => UNetConfig.MnistSmall with { ResBlocksPerLevel = 1, Dropout = 0.0 };

    /// <summary>The cold-diffusion restoration configurations of notebook 06.</summary>
    private static IEnumerable<TrainingConfig> ColdConfigs() =>
    [
        Cold("cold-blur-mnist", "Cold diffusion: UNet restorer R(x_s, s) for cumulative Gaussian blur on the 8,000-digit MNIST training split", CumulativeBlur.Mnist, 3500),
        Cold("cold-mask-mnist", "Cold diffusion: UNet restorer R(x_s, s) for Gaussian-mask inpainting on the 8,000-digit MNIST training split", GaussianMask.Mnist, 3500),
        Cold("cold-sr-mnist", "Cold diffusion: UNet restorer R(x_s, s) for super-resolution 28 -> 4 on the 8,000-digit MNIST training split", BlockSuperResolution.Mnist, 3500),
    ];

    /// <summary>A cold config: the degradation made by <paramref name="degradation"/>, <see cref="ColdUNet"/>, ℓ1 loss, MnistTrainSplit.</summary>
    public static TrainingConfig Cold(string name, string description, Func<Degradation> degradation, int steps)
    {
        ArgumentNullException.ThrowIfNull(degradation);
        var defaults = new TrainerOptions { Steps = steps, BatchSize = 32, LearningRate = 2e-4, WarmupSteps = 200, Decay = LearningRateDecay.Cosine, MinLearningRate = 1e-5, GradClip = 1.0, EmaDecay = 0.999, CheckpointEvery = 100, CheckpointEverySeconds = 300 };
        return new TrainingConfig(name, description, defaults, options => ColdSetup(name, degradation(), options, TrainingData.MnistTrainSplit.Load()))
        {
            BuildSynthetic = options => ColdSetup(name, degradation(), options, Synthetic(ColdUNet, options)),
        };
    }

    private static TrainingSetup ColdSetup(string name, Degradation degradation, TrainerOptions options, ImageDataset dataset)
    {
        try
        {
            manual_seed((long)options.Seed);
            var unet = ColdUNet;
            var model = new UNet(unet);
            var loss = new ColdLoss(degradation);
            var loader = new DataLoader(dataset, options.BatchSize, shuffle: true, seed: unchecked((int)options.Seed), dropLast: true, scaleToMinusOneOne: true);
            var batches = BatchSources.FromSequence(() => loader.Batches().Select(TakeImages));
            var run = new RunDescription(name, $"{dataset.Name}, scaled to [-1, 1], shuffled each epoch (seed {options.Seed})")
            {
                Process = ColdProcess.For(degradation).ToJson(),
                ArchitectureConfig = JsonNode.Parse(unet.ToJson()),
            };
            return new TrainingSetup(model, (batch, g) => loss.Compute((x, s) => model.call(x, s), batch, g), batches, run)
            {
                Owned = [dataset, degradation],
            };
        }
        catch
        {
            degradation.Dispose();
            dataset.Dispose();
            throw;
        }
    }
}
