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
/// <c>--evaluate</c>: loads a trained DDPM (model.safetensors + model.json in the output folder), samples it, measures FID with the
/// project's MNIST feature network against real digits and the real-vs-real floor at the same size, and writes them into model.json.
/// With <c>--checkpoint</c> it evaluates the EMA weights of the folder's training checkpoint instead (a run still under way) and
/// appends the numbers with the checkpoint's step to the folder's <c>fid-curve.json</c>: FID against training steps.
/// </summary>
internal static class Evaluation
{
    private const string FeatureNetworkPath = "data/checkpoints/mnist-fid-classifier.safetensors";

    public static int Run(TrainingConfig config, string folder, int samples, string samplerName, bool fromCheckpoint = false)
    {
        string stem = fromCheckpoint ? "checkpoint" : "model";
        string weights = Path.Combine(folder, stem + ".safetensors"), cardPath = Path.Combine(folder, stem + ".json");
        if (!File.Exists(weights) || !File.Exists(cardPath))
        {
            Console.Error.WriteLine($"train: {folder} has no {stem}.safetensors/{stem}.json; train first: environment/train.sh --config {config.Name} --out {folder}");
            return 1;
        }
        var card = ModelCard.Load(cardPath);
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
        using var network = FeatureNetwork.Load(FeatureNetworkPath);
        // The reference digits are the FID network's held-out split (as in notebook 03): the first N against the samples,
        // the next N for the floor. Fashion-MNIST uses its test set.
        using var pool = config.Name.Contains("fashion", StringComparison.Ordinal) ? FashionMnist.Load(train: false) : Mnist.LoadNpm();
        var (train, test) = pool.Split(2000, 1234);
        train.Dispose();
        using var heldOut = test;
        using var real = heldOut.Images * 2.0 - 1.0;
        Console.WriteLine($"train: evaluating {folder} ({unet.parameters().Sum(p => p.numel()):N0} parameters, step {card.Steps}) with {samplerName}, {samples} samples, {TorchEngine.Threads} thread(s)");
        var quality = SampleQuality.Measure(unet, sampler, samplerName, network, real, samples, seed: 0);
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
