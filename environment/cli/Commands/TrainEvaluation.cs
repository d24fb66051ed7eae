using System.Globalization;
using Diffusion.Data;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Metrics;
using Diffusion.Pretrained;
using Diffusion.Recipes;
using Diffusion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>train --evaluate</c>: loads a trained DDPM or VE NCSN++ (model.safetensors + model.json in the output folder), samples it,
/// measures FID with the project's MNIST feature network (the Fashion-MNIST one for the <c>*fashion*</c> configs) against real
/// images and the real-vs-real floor at the same size, and writes them into model.json. With <c>--checkpoint</c> it evaluates
/// the EMA weights of the folder's training checkpoint instead (a run still under way) and appends the numbers with the
/// checkpoint's step to the folder's <c>fid-curve.json</c>: FID against training steps.
/// </summary>
internal static class TrainEvaluation
{
    private const string FeatureNetworkPath = "data/checkpoints/mnist-fid-classifier.safetensors";

    /// <summary>The Fashion-MNIST feature network (<c>train-fid --data fashion</c>), for the <c>*fashion*</c> configs.</summary>
    private const string FashionFeatureNetworkPath = "data/checkpoints/fashion-fid-classifier.safetensors";

    public static int Run(TrainingConfig config, string folder, int samples, SamplerChoice? sampler, bool fromCheckpoint = false)
    {
        string stem = fromCheckpoint ? "checkpoint" : "model";
        if (!File.Exists(Path.Combine(folder, stem + ".safetensors")) || !File.Exists(Path.Combine(folder, stem + ".json")))
        {
            throw new FileNotFoundException($"{folder} has no {stem}.safetensors/{stem}.json; train first: {CourseTool.Invocation} train --config {config.Name} --out {folder}");
        }
        using var model = TrainedModel.Load(folder, fromCheckpoint: fromCheckpoint);
        string cardPath = Path.Combine(folder, stem + ".json");
        switch (model.Process)
        {
            case VeSdeProcess:
                return RunScoreModel(model, cardPath, samples, sampler, fromCheckpoint);
            case ColdProcess:
                throw new UsageException($"{folder} holds a cold-diffusion restorer: its numbers come from {CourseTool.Invocation} evaluate cold, not train --evaluate");
        }
        var card = model.Card;
        var (name, options) = sampler is null ? SamplingOptions.Parse("ddim:50") : (sampler.Name, sampler.Options);
        var schedule = model.Schedule;
        Sampler ddpmSampler = options.Sampler switch
        {
            SamplerKind.Ddim => new DdimSampler(schedule, eta: 0, steps: options.Steps),
            SamplerKind.Ddpm => Ddpm(schedule, options.Steps),
            _ => throw new UsageException($"--sampler {name}: a DDPM is evaluated with ddim:N or ddpm:N (sample and evaluate sde take pc, em and ode too)"),
        };
        bool fashion = config.Name.Contains("fashion", StringComparison.Ordinal);
        using var network = FeatureNetwork.Load(Repository.Path(fashion ? FashionFeatureNetworkPath : FeatureNetworkPath));
        // The reference digits are the FID network's held-out split (as in notebook 03): the first N against the samples,
        // the next N for the floor. Fashion-MNIST holds out 2,000 of its test images, which its feature network never saw.
        using var real = HeldOut(fashion);
        Console.WriteLine($"train: evaluating {folder} ({model.Network.parameters().Sum(p => p.numel()):N0} parameters, step {card.Steps}) with {name}, {samples} samples, {TorchEngine.Describe()}");
        SampleQuality quality;
        using (var bar = new FractionProgress($"evaluate {name}"))
        {
            quality = SampleQuality.Measure(model.Network, ddpmSampler, name, network, real, samples, seed: 0, progress: bar.Callback);
        }
        return Report(folder, card, cardPath, quality, fromCheckpoint);
    }

    /// <summary>Ho et al.'s sampler (fixed-large variance) on <paramref name="steps"/> of the schedule's steps (all of them: ddpm:1000).</summary>
    private static DdpmSampler Ddpm(NoiseSchedule schedule, int steps)
    {
        var sampler = new DdpmSampler(schedule, VarianceType.FixedLarge);
        if (steps < schedule.T)
        {
            sampler.SetTimesteps(steps);
        }
        return sampler;
    }

    /// <summary>A VE NCSN++ folder: sampled by <see cref="TrainedModel"/> with pc:N, em:N or ode:TOL, the samples in [0, 1] mapped to [−1, 1] for the feature network.</summary>
    private static int RunScoreModel(TrainedModel model, string cardPath, int samples, SamplerChoice? sampler, bool fromCheckpoint)
    {
        var (name, options) = sampler is null ? SamplingOptions.Parse("pc:100") : (sampler.Name, sampler.Options);
        if (!model.Samplers.Contains(options.Sampler))
        {
            throw new UsageException($"{model.Folder} holds a VE score model: --sampler pc:N, em:N or ode:TOL (e.g. pc:100, ode:1e-3), not {name}");
        }
        var card = model.Card;
        using var network = FeatureNetwork.Load(Repository.Path(FeatureNetworkPath));
        using var real = HeldOut(fashion: false);
        Console.WriteLine($"train: evaluating {model.Folder} ({card.Parameters:N0} parameters, step {card.Steps}) with {name}, {samples} samples, {TorchEngine.Describe()}");
        SampleQuality quality;
        using (var bar = new FractionProgress($"evaluate {name}"))
        {
            quality = SampleQuality.Measure(model, options, name, network, real, samples, progress: bar.Callback);
        }
        return Report(model.Folder, card, cardPath, quality, fromCheckpoint);
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
