using System.Globalization;
using Diffusion.Data;
using Diffusion.Ddpm;
using Diffusion.Metrics;
using Diffusion.Models;
using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;
using Diffusion.Training;



/// <summary>
/// <c>--evaluate</c>: loads a trained DDPM or VE NCSN++ (model.safetensors + model.json in the output folder), samples it, measures FID with the
/// project's MNIST feature network (the Fashion-MNIST one for the <c>*fashion*</c> configs) against real images and the real-vs-real floor at the same size, and writes them into model.json.
/// With <c>--checkpoint</c> it evaluates the EMA weights of the folder's training checkpoint instead (a run still under way) and
/// appends the numbers with the checkpoint's step to the folder's <c>fid-curve.json</c>: FID against training steps.
/// </summary>
internal static class Evaluation
{
    private const string FeatureNetworkPath = "data/checkpoints/mnist-fid-classifier.safetensors";

    /// <summary>The Fashion-MNIST feature network (<c>train-fid --data fashion</c>), for the <c>*fashion*</c> configs.</summary>
    private const string FashionFeatureNetworkPath = "data/checkpoints/fashion-fid-classifier.safetensors";

    public static int Run(TrainingConfig config, string folder, int samples, string? samplerName, bool fromCheckpoint = false)
    {
        string stem = fromCheckpoint ? "checkpoint" : "model";
        string weights = Path.Combine(folder, stem + ".safetensors"), cardPath = Path.Combine(folder, stem + ".json");
        if (!File.Exists(weights) || !File.Exists(cardPath))
        {
            Console.Error.WriteLine($"train: {folder} has no {stem}.safetensors/{stem}.json; train first: environment/train.sh --config {config.Name} --out {folder}");
            return 1;
        }
        var card = ModelCard.Load(cardPath);
        if (card.Architecture == nameof(NcsnPp))
        {
            return RunScoreModel(folder, card, cardPath, samples, samplerName, fromCheckpoint);
        }
        samplerName ??= "ddim-50";
        var unetConfig = UNetConfig.FromJson(card.ArchitectureConfig?.ToJsonString() ?? throw new InvalidDataException($"{cardPath} has no architectureConfig"));
        using var unet = new UNet(unetConfig);
        Checkpoint.LoadWeights(weights, unet);
        var schedule = NoiseSchedule.Linear(1000);
        Sampler sampler = samplerName switch
        {
            "ddpm-1000" => new DdpmSampler(schedule, VarianceType.FixedLarge),
            _ when samplerName.StartsWith("ddim-", StringComparison.Ordinal) && int.TryParse(samplerName.AsSpan(5), out int n) => new DdimSampler(schedule, eta: 0, steps: n),
            _ => throw new ArgumentException($"unknown sampler '{samplerName}': use ddim-N or ddpm-1000"),
        };
        bool fashion = config.Name.Contains("fashion", StringComparison.Ordinal);
        using var network = FeatureNetwork.Load(fashion ? FashionFeatureNetworkPath : FeatureNetworkPath);
        // The reference digits are the FID network's held-out split (as in notebook 03): the first N against the samples,
        // the next N for the floor. Fashion-MNIST holds out 2,000 of its test images, which its feature network never saw.
        using var real = HeldOut(fashion);
        Console.WriteLine($"train: evaluating {folder} ({unet.parameters().Sum(p => p.numel()):N0} parameters, step {card.Steps}) with {samplerName}, {samples} samples, {TorchEngine.Threads} thread(s)");
        var quality = SampleQuality.Measure(unet, sampler, samplerName, network, real, samples, seed: 0);
        return Report(folder, card, cardPath, quality, fromCheckpoint);
    }

    /// <summary>
    /// A VE NCSN++ folder: sampled by <see cref="TrainedModel"/> with pc-N, em-N or ode-TOL (<see cref="SamplingOptions.Parse"/>),
    /// the samples in [0, 1] mapped to [−1, 1] for the feature network.
    /// </summary>
    private static int RunScoreModel(string folder, ModelCard card, string cardPath, int samples, string? samplerName, bool fromCheckpoint)
    {
        samplerName ??= "pc-100";
        var (name, options) = SamplingOptions.Parse(samplerName);
        using var model = TrainedModel.Load(folder, fromCheckpoint: fromCheckpoint);
        if (!model.Samplers.Contains(options.Sampler))
        {
            Console.Error.WriteLine($"train: {folder} holds a VE score model: --sampler pc-N, em-N or ode-TOL (e.g. pc-100, ode-1e-3), not {samplerName}");
            return 2;
        }
        using var network = FeatureNetwork.Load(FeatureNetworkPath);
        using var real = HeldOut(fashion: false);
        Console.WriteLine($"train: evaluating {folder} ({card.Parameters:N0} parameters, step {card.Steps}) with {name}, {samples} samples, {TorchEngine.Threads} thread(s)");
        var quality = SampleQuality.Measure(model, options, name, network, real, samples);
        return Report(folder, card, cardPath, quality, fromCheckpoint);
    }

    /// <summary>The 2,000 held-out digits in [−1, 1]: the FID network's held-out split (as in notebook 03); for Fashion-MNIST, 2,000 of the test images (the same split).</summary>
    private static Tensor HeldOut(bool fashion)
    {
        using var pool = fashion ? FashionMnist.Load(train: false) : Mnist.LoadNpm();
        var (train, test) = pool.Split(2000, 1234);
        train.Dispose();
        using var heldOut = test;
        return heldOut.Images * 2.0 - 1.0;
    }

    /// <summary>Writes the numbers into model.json (or, for a checkpoint, fid-curve.json) and prints them.</summary>
    private static int Report(string folder, ModelCard card, string cardPath, SampleQuality quality, bool fromCheckpoint)
    {
        string written = fromCheckpoint ? FidCurve.Append(Path.Combine(folder, FidCurve.FileName), card.Steps, quality) : cardPath;
        if (!fromCheckpoint)
        {
            quality.WriteTo(card);
            card.Save(cardPath);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train: step {card.Steps}: FID {quality.Fid:0.00} (floor {quality.FidFloor:0.00}) over {quality.Samples} samples, {quality.Sampler}, sampled in {quality.SamplingSeconds:0.0} s -> {written}"));
        return 0;
    }
}
