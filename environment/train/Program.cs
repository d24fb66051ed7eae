using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Diffusion.Engine;
using Diffusion.Training;

// The training command. Usage (environment/train.sh wraps it):
//   Diffusion.Train --config ddpm-mnist [--out data/checkpoints/ddpm-mnist] [--data FOLDER] [--steps N] [--seed S] [--threads N]
//                   [--batch B] [--lr LR] [--ema DECAY] [--checkpoint-every N] [--checkpoint-minutes M] [--resume] [--init FOLDER] [--synthetic] [--time-steps N] [--list]
// Ctrl+C (or SIGTERM) stops at the next step boundary and writes a checkpoint that --resume continues from.
return Cli.Run(args);

/// <summary>The command line of the training command.</summary>
internal static class Cli
{
    private const string Usage =
        "usage: train.sh --config NAME [--out FOLDER] [--data FOLDER] [--steps N] [--seed S] [--threads N] [--batch B]\n" +
        "                [--lr LR] [--warmup N] [--decay none|cosine] [--min-lr LR] [--ema DECAY]\n" +
        "                [--checkpoint-every N] [--checkpoint-minutes M] [--resume] [--init FOLDER] [--synthetic]\n" +
        "                [--precision fp32|bf16] [--time-steps N] [--list]\n" +
        "       train.sh --config NAME --evaluate [--checkpoint] [--out FOLDER] [--samples N] [--sampler S] [--threads N]\n" +
        "  --out        output folder (default data/checkpoints/NAME): checkpoint.safetensors/.json during training,\n" +
        "               model.safetensors/.json (EMA weights + model card) at the end\n" +
        "  --data       the image folder of a config that trains on your images (ffhq256-ncsnpp, church48-ddpm):\n" +
        "               PNG/JPEG/WebP/BMP/GIF files, centre-cropped and resized to the config's size\n" +
        "  --resume     continue from the folder's checkpoint (same seed and settings give the same weights)\n" +
        "  --init       start from a trained model's weights (a model folder or .safetensors file) with a fresh optimizer,\n" +
        "               step count and schedule; the folder's own checkpoint wins with --resume\n" +
        "  --decay      the learning rate after the warm-up: constant (none) or a cosine to --min-lr at the last step\n" +
        "  --precision  fp32, or bf16: bfloat16 autocast for the forward pass and loss, float32 weights, optimizer and EMA\n" +
        "               (default: the config's)\n" +
        "  --synthetic  random images of the data's shape instead of the data set (timing, smoke tests)\n" +
        "  --time-steps N  time N steps (after 2 warm-up steps), print seconds per step, write nothing\n" +
        "  --evaluate   sample N images (default 1000) from the folder's model.safetensors, measure FID against N real digits\n" +
        "               with the project's feature network and the real-vs-real floor, and write both into model.json\n" +
        "  --checkpoint with --evaluate: the EMA weights of the folder's training checkpoint (a run under way); the numbers go\n" +
        "               into the folder's fid-curve.json with the checkpoint's step\n" +
        "  --sampler    with --evaluate: ddim-N or ddpm-1000 for a DDPM (default ddim-50); pc-N, em-N or ode-TOL for a VE\n" +
        "               NCSN++ (default pc-100)\n";

    public static int Run(string[] args)
    {
        string? configName = null, outFolder = null, dataFolder = null, initFrom = null;
        int? steps = null, threads = null, batch = null, checkpointEvery = null, timeSteps = null, warmup = null;
        ulong? seed = null;
        double? checkpointMinutes = null, lr = null, ema = null, minLr = null;
        LearningRateDecay? decay = null;
        Precision? precision = null;
        bool resume = false, synthetic = false, evaluate = false, fromCheckpoint = false;
        int samples = 1000;
        string? sampler = null;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
                switch (args[i])
                {
                    case "--config": configName = Value(); break;
                    case "--out": outFolder = Value(); break;
                    case "--data": dataFolder = Value(); break;
                    case "--steps": steps = Int(); break;
                    case "--seed": seed = ulong.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--threads": threads = Int(); break;
                    case "--batch": batch = Int(); break;
                    case "--checkpoint-every": checkpointEvery = Int(); break;
                    case "--checkpoint-minutes": checkpointMinutes = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--time-steps": timeSteps = Int(); break;
                    case "--lr": lr = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--ema": ema = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--warmup": warmup = Int(); break;
                    case "--min-lr": minLr = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--decay":
                        decay = Enum.TryParse<LearningRateDecay>(Value(), ignoreCase: true, out var parsed)
                            ? parsed : throw new ArgumentException($"--decay takes none or cosine, not '{args[i]}'");
                        break;
                    case "--precision": precision = Precisions.Parse(Value()); break;
                    case "--resume": resume = true; break;
                    case "--init": initFrom = Value(); break;
                    case "--evaluate": evaluate = true; break;
                    case "--checkpoint": fromCheckpoint = true; break;
                    case "--samples": samples = Int(); break;
                    case "--sampler": sampler = Value(); break;
                    case "--synthetic": synthetic = true; break;
                    case "--list":
                        foreach (var c in TrainingConfigs.All)
                        {
                            Console.WriteLine($"{c.Name,-18} {c.Description}");
                        }
                        return 0;
                    case "-h" or "--help": Console.Write(Usage); return 0;
                    default: throw new ArgumentException($"unknown argument '{args[i]}'");
                }
            }
            if (configName is null)
            {
                throw new ArgumentException("--config is required; --list shows the names");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"train: {e.Message}");
            Console.Error.Write(Usage);
            return 2;
        }

        TrainingConfig config;
        try
        {
            config = TrainingConfigs.Get(configName);
            if (dataFolder is not null)
            {
                config = TrainingConfigs.WithDataFolder(config, dataFolder);
            }
            else if (TrainingConfigs.TakesDataFolder(config) && !synthetic && !evaluate)
            {
                throw new ArgumentException($"{config.Name} trains on your own image folder: pass it with --data FOLDER, e.g. environment/train.sh --config {config.Name} --data /path/to/images (or --synthetic to time it)");
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"train: {e.Message}");
            return 2;
        }

        TorchEngine.Initialize(threads ?? Environment.ProcessorCount);
        if (evaluate)
        {
            try
            {
                return Evaluation.Run(config, outFolder ?? Path.Combine("data", "checkpoints", config.Name), samples, sampler, fromCheckpoint);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"train: {e.Message}");
                return 2;
            }
        }
        var d = config.Defaults;
        var options = d with
        {
            Steps = steps ?? d.Steps,
            Seed = seed ?? d.Seed,
            BatchSize = batch ?? d.BatchSize,
            LearningRate = lr ?? d.LearningRate,
            WarmupSteps = warmup ?? d.WarmupSteps,
            Decay = decay ?? d.Decay,
            MinLearningRate = minLr ?? d.MinLearningRate,
            EmaDecay = ema ?? d.EmaDecay,
            Precision = precision ?? d.Precision,
            CheckpointEvery = checkpointEvery ?? d.CheckpointEvery,
            CheckpointEverySeconds = checkpointMinutes is double m ? m * 60 : d.CheckpointEverySeconds,
            OutputFolder = timeSteps is null ? outFolder ?? Path.Combine("data", "checkpoints", config.Name) : null,
            Resume = resume && timeSteps is null,
            InitialWeights = initFrom,
        };

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Console.Error.WriteLine("train: stopping at the next step boundary (Ctrl+C again to kill)...");
            cancel.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            cancel.Cancel();
        });

        try
        {
            var build = synthetic ? config.BuildSynthetic ?? throw new InvalidOperationException($"{config.Name} has no synthetic variant") : config.Build;
            using var setup = build(options);
            var run = setup.Run with { Command = CommandLine(config.Name, options, synthetic, threads, dataFolder) };
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
            if (timeSteps is int n)
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
        catch (Exception e) when (e is IOException or InvalidOperationException or InvalidDataException)
        {
            Console.Error.WriteLine($"train: {e.Message}");
            return 1;
        }
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

    private static string CommandLine(string name, TrainerOptions o, bool synthetic, int? threads, string? data) =>
        string.Create(CultureInfo.InvariantCulture,
            $"environment/train.sh --config {name} --out {o.OutputFolder}{(data is null ? "" : $" --data {data}")} --steps {o.Steps} --seed {o.Seed} --batch {o.BatchSize} --lr {o.LearningRate} --warmup {o.WarmupSteps} --decay {o.Decay.ToString().ToLowerInvariant()}{(o.Decay == LearningRateDecay.None ? "" : $" --min-lr {o.MinLearningRate}")} --ema {o.EmaDecay} --precision {o.Precision.Name()}{(o.InitialWeights is null ? "" : $" --init {o.InitialWeights}")}{(threads is int t ? $" --threads {t}" : "")}{(synthetic ? " --synthetic" : "")}");

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
