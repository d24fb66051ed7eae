using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Diffusion.Engine;
using Diffusion.Recipes;
using Diffusion.Training;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>train</c>: trains a named config (the recipes of lib/Recipes/TrainingConfigs*.cs) and writes checkpoints and model cards; with
/// <c>--evaluate</c>, measures a trained folder's FID (<see cref="TrainEvaluation"/>). Ctrl+C (or SIGTERM) stops at the next
/// step boundary and writes a checkpoint that <c>--resume</c> continues with identical results.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "the named config (--list shows them), e.g. ddpm-mnist" };
        var list = new Option<bool>("--list") { Description = "list the named configs and exit" };
        var output = new Option<string?>("--out") { Description = "output folder (default data/checkpoints/NAME): checkpoint.safetensors/.json during training, model.safetensors/.json (EMA weights + model card) at the end" };
        var data = new Option<string?>("--data") { Description = "the image folder of a config that trains on your images (ffhq256-ncsnpp, church48-ddpm): PNG/JPEG/WebP/BMP/GIF files, centre-cropped and resized, decoded batch by batch" };
        var steps = CliOptions.OptionalInt("--steps", "training steps (default: the config's)");
        var seed = CliOptions.Seed("the seed of initialisation, data order and noise (default: the config's)");
        var threads = CliOptions.Threads();
        var batch = CliOptions.OptionalInt("--batch", "batch size (default: the config's)");
        var lr = CliOptions.OptionalDouble("--lr", "peak learning rate (default: the config's)", 0);
        var warmup = CliOptions.OptionalInt("--warmup", "linear warm-up steps (default: the config's)", 0);
        var decay = new Option<LearningRateDecay?>("--decay") { Description = "the learning rate after the warm-up: none (constant) or cosine (to --min-lr at the last step)" };
        var minLr = CliOptions.OptionalDouble("--min-lr", "the cosine's final learning rate", 0, minExclusive: false);
        var ema = CliOptions.OptionalDouble("--ema", "EMA decay of the exported weights, in (0, 1)", 0, 1);
        var precision = CliOptions.Precision("the precision of the forward pass and loss (default: the config's)");
        var checkpointEvery = CliOptions.OptionalInt("--checkpoint-every", "write a checkpoint every N steps");
        var checkpointMinutes = CliOptions.OptionalDouble("--checkpoint-minutes", "write a checkpoint every M minutes", 0);
        var resume = new Option<bool>("--resume") { Description = "continue from the folder's checkpoint (same seed and settings give the same weights)" };
        var init = new Option<string?>("--init") { Description = "start from a trained model's weights (a model folder or .safetensors file) with a fresh optimizer, step count and schedule" };
        var synthetic = new Option<bool>("--synthetic") { Description = "random images of the data's shape instead of the data set (timing, smoke tests)" };
        var timeSteps = CliOptions.OptionalInt("--time-steps", "time N steps (after 2 warm-up steps), print seconds per step, write nothing");
        var evaluate = new Option<bool>("--evaluate") { Description = "sample the folder's model.safetensors and write FID and the real-vs-real floor into model.json" };
        var checkpoint = new Option<bool>("--checkpoint") { Description = "with --evaluate: the EMA weights of the folder's training checkpoint (a run under way); the numbers go into fid-curve.json" };
        var samples = CliOptions.Int("--samples", "with --evaluate: samples (and real images) for FID", 1000, 2, 1000);
        var sampler = CliOptions.Sampler("with --evaluate: the sampler (default ddim:50 for a DDPM, pc:100 for a VE NCSN++)");

        var command = new Command("train", "Train a named config and write a safetensors checkpoint with its model card; --evaluate measures a trained model's FID.")
        {
            config, list, output, data, steps, seed, threads, batch, lr, warmup, decay, minLr, ema, precision, checkpointEvery, checkpointMinutes,
            resume, init, synthetic, timeSteps, evaluate, checkpoint, samples, sampler,
        };
        command.SetAction(p =>
        {
            if (p.GetValue(list))
            {
                foreach (var c in TrainingConfigs.All)
                {
                    Console.WriteLine($"{c.Name,-18} {c.Description}");
                }
                return 0;
            }
            string name = p.GetValue(config) ?? throw new UsageException("--config NAME is required (--list shows the names)");
            var request = new TrainRequest(name, p.GetValue(output), p.GetValue(data), p.GetValue(threads), p.GetValue(synthetic),
                p.GetValue(steps), p.GetValue(seed), p.GetValue(batch), p.GetValue(lr), p.GetValue(warmup), p.GetValue(decay), p.GetValue(minLr),
                p.GetValue(ema), p.GetValue(precision), p.GetValue(checkpointEvery), p.GetValue(checkpointMinutes), p.GetValue(resume), p.GetValue(init), p.GetValue(timeSteps));
            return p.GetValue(evaluate)
                ? Evaluate(request, p.GetValue(samples), p.GetValue(sampler), p.GetValue(checkpoint))
                : Train(request);
        });
        return command;
    }

    /// <summary>What the command line asked for.</summary>
    private sealed record TrainRequest(string Config, string? Out, string? Data, int? Threads, bool Synthetic, int? Steps, ulong? Seed, int? Batch,
        double? Lr, int? Warmup, LearningRateDecay? Decay, double? MinLr, double? Ema, Precision? Precision, int? CheckpointEvery, double? CheckpointMinutes,
        bool Resume, string? Init, int? TimeSteps);

    private static TrainingConfig Config(TrainRequest r, bool evaluate)
    {
        TrainingConfig config;
        try
        {
            config = TrainingConfigs.Get(r.Config);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        if (r.Data is not null)
        {
            return TrainingConfigs.WithDataFolder(config, r.Data);
        }
        if (TrainingConfigs.TakesDataFolder(config) && !r.Synthetic && !evaluate)
        {
            throw new UsageException($"{config.Name} trains on your own image folder: pass it with --data FOLDER, e.g. {CourseTool.Invocation} train --config {config.Name} --data /path/to/images (or --synthetic to time it)");
        }
        return config;
    }

    private static int Evaluate(TrainRequest r, int samples, SamplerChoice? sampler, bool fromCheckpoint)
    {
        var config = Config(r, evaluate: true);
        TorchEngine.Initialize(r.Threads ?? Environment.ProcessorCount);
        return TrainEvaluation.Run(config, r.Out ?? Repository.Path($"data/checkpoints/{config.Name}"), samples, sampler, fromCheckpoint);
    }

    private static int Train(TrainRequest r)
    {
        var config = Config(r, evaluate: false);
        TorchEngine.Initialize(r.Threads ?? Environment.ProcessorCount);
        var d = config.Defaults;
        string defaultOut = Path.Combine("data", "checkpoints", config.Name);
        var options = d with
        {
            Steps = r.Steps ?? d.Steps,
            Seed = r.Seed ?? d.Seed,
            BatchSize = r.Batch ?? d.BatchSize,
            LearningRate = r.Lr ?? d.LearningRate,
            WarmupSteps = r.Warmup ?? d.WarmupSteps,
            Decay = r.Decay ?? d.Decay,
            MinLearningRate = r.MinLr ?? d.MinLearningRate,
            EmaDecay = r.Ema ?? d.EmaDecay,
            Precision = r.Precision ?? d.Precision,
            CheckpointEvery = r.CheckpointEvery ?? d.CheckpointEvery,
            CheckpointEverySeconds = r.CheckpointMinutes is double m ? m * 60 : d.CheckpointEverySeconds,
            OutputFolder = r.TimeSteps is null ? r.Out ?? Repository.Path(defaultOut.Replace('\\', '/')) : null,
            Resume = r.Resume && r.TimeSteps is null,
            InitialWeights = r.Init,
        };

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Console.Error.WriteLine("train: stopping at the next step boundary (Ctrl+C again to kill)...");
            cancel.Cancel();
        };
        using var sigterm = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            cancel.Cancel();
        });

        var build = r.Synthetic ? config.BuildSynthetic ?? throw new UsageException($"{config.Name} has no synthetic variant") : config.Build;
        using var setup = build(options);
        var run = setup.Run with { Command = CommandLine(config.Name, options, r, r.Out ?? defaultOut) };
        using var trainer = new Trainer(setup.Model, setup.Loss, setup.Batches, options, run) { Log = Console.Out };
        Console.WriteLine($"train: {config.Name}: {setup.Model.GetType().Name} with {setup.Model.parameters().Sum(p => p.numel()):N0} parameters, {run.Data}; " +
            $"{TorchEngine.Describe()}; {options.Steps} steps of batch {options.BatchSize}" +
            (options.OutputFolder is null ? "" : $" -> {options.OutputFolder}"));
        if (trainer.ResumedFrom is { } from)
        {
            Console.WriteLine($"train: resumed from {from.Path} at step {from.Step} ({from.WallTimeSeconds:0} s trained so far)");
        }
        else if (trainer.InitialisedFrom is { } initial)
        {
            Console.WriteLine($"train: started from the weights of {initial} (fresh optimizer and step count)");
        }
        if (r.TimeSteps is int n)
        {
            return TimeSteps(trainer, n);
        }
        var result = trainer.Train(cancel.Token);
        if (options.OutputFolder is not null)
        {
            AddMemory(Path.Combine(options.OutputFolder, "checkpoint.json"));
            if (!result.Cancelled)
            {
                AddMemory(Path.Combine(options.OutputFolder, "model.json"));
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train: {(result.Cancelled ? "cancelled" : "finished")} at step {result.Step}/{options.Steps}, final loss {result.FinalLoss:0.00000}, " +
            $"{result.SessionSeconds:0.0} s this session ({1 / Math.Max(result.StepsPerSecond, 1e-12):0.000} s/step), {result.WallTimeSeconds:0} s in all, " +
            $"peak RSS {ProcessMemory.PeakRssMb():0} MB"));
        return result.Cancelled ? 130 : 0;
    }

    private static int TimeSteps(Trainer trainer, int n)
    {
        for (int i = 0; i < 2; i++)
        {
            trainer.TrainStep();
        }
        var times = new List<double>();
        for (int i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            double loss = trainer.TrainStep();
            times.Add(sw.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {trainer.Step}: {times[^1]:0.000} s, loss {loss:0.0000}"));
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT seconds_per_step_median={times[times.Count / 2]:0.0000} mean={times.Average():0.0000} threads={TorchEngine.Threads} batch={trainer.Options.BatchSize} peak_rss_mb={ProcessMemory.PeakRssMb():0}"));
        return 0;
    }

    /// <summary>The command line that reproduces the run, as the model card records it.</summary>
    private static string CommandLine(string name, TrainerOptions o, TrainRequest r, string outFolder) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{CourseTool.Invocation} train --config {name} --out {outFolder}{(r.Data is null ? "" : $" --data {r.Data}")} --steps {o.Steps} --seed {o.Seed} --batch {o.BatchSize} --lr {o.LearningRate} --warmup {o.WarmupSteps} --decay {o.Decay.ToString().ToLowerInvariant()}{(o.Decay == LearningRateDecay.None ? "" : $" --min-lr {o.MinLearningRate}")} --ema {o.EmaDecay} --precision {o.Precision.Name()}{(o.InitialWeights is null ? "" : $" --init {o.InitialWeights}")}{(r.Threads is int t ? $" --threads {t}" : "")}{(r.Synthetic ? " --synthetic" : "")}");

    private static void AddMemory(string cardPath)
    {
        if (!File.Exists(cardPath))
        {
            return;
        }
        var card = ModelCard.Load(cardPath);
        card.Metrics["peak_rss_mb"] = JsonValue.Create(Math.Round(ProcessMemory.PeakRssMb(), 1));
        card.Save(cardPath);
    }
}
