using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Engine;
using Diffusion.Hosting;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Training;

/// <summary>
/// The training loop of DDPM's Algorithm 1 for any model and loss: per step, take a batch x_0, compute the loss
/// (which draws t and ε), take a gradient step with TorchSharp's Adam (linear warm-up, <c>clip_grad_norm_</c>), update the EMA.
/// It shows a progress bar with the loss, stops cooperatively at a step boundary on cancel, writes checkpoints
/// every N steps (atomically) and resumes from the last one, bit for bit.
/// </summary>
/// <remarks>
/// <code>
/// repeat
///   x_0 ~ q(x_0);  t ~ Uniform({1, …, T});  ε ~ N(0, I)
///   take a gradient step on ∇_θ ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖²
/// until converged
/// </code>
/// Determinism: all randomness of the batch source and the loss comes from the trainer's <see cref="Generator"/>
/// (seeded with <see cref="TrainerOptions.Seed"/>, saved in checkpoints), and before every step the global generator
/// (dropout) is re-seeded from (seed, step). So a run resumed from a checkpoint takes exactly the steps an
/// uninterrupted run takes, on the same machine and thread count.
/// Memory: each step runs in a TorchSharp dispose scope, so a long run stays flat.
/// </remarks>
public sealed class Trainer : IDisposable
{
    private const int LossWindow = 100;

    private readonly nn.Module _model;
    private readonly TrainingLoss _loss;
    private readonly BatchSource _batches;
    private readonly Adam _optimizer;
    private readonly LearningRateSchedule _schedule;
    private readonly Ema _ema;
    private readonly Generator _generator;
    private readonly DeviceType _device;
    private readonly List<double> _losses = new();
    private double _wallOffset;
    private bool _disposed;

    /// <summary>
    /// Prepares a run; with <see cref="TrainerOptions.Resume"/> it restores the folder's checkpoint when there is one, else with
    /// <see cref="TrainerOptions.InitialWeights"/> it starts model and EMA from those weights.
    /// </summary>
    /// <param name="model">The network to train (in place); it stays the caller's.</param>
    /// <param name="loss">The loss of a batch (e.g. DDPM's noise-prediction MSE).</param>
    /// <param name="batches">The batch for each step.</param>
    /// <param name="options">The settings.</param>
    /// <param name="run">Names, data and command for the checkpoints and model card (optional).</param>
    public Trainer(nn.Module model, TrainingLoss loss, BatchSource batches, TrainerOptions options, RunDescription? run = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model;
        _loss = loss;
        _batches = batches;
        Options = options;
        Run = run ?? new RunDescription(model.GetType().Name, "");
        string? checkpoint = options.Resume ? Checkpoint.Find(options.OutputFolder!) : null;
        if (checkpoint is null && options.InitialWeights is { } initial)
        {
            InitialisedFrom = LoadInitialWeights(model, initial);   // before anything native is made, so a bad source leaks nothing
        }
        _optimizer = optim.Adam(model.parameters(), lr: options.LearningRate);
        _schedule = new LearningRateSchedule(_optimizer, options.WarmupSteps, options.Decay, options.Steps, options.MinLearningRate);
        _ema = new Ema(model, options.EmaDecay);
        _generator = new Generator(options.Seed);
        _device = model.parameters().FirstOrDefault()?.device_type ?? DeviceType.CPU;
        if (checkpoint is not null)
        {
            Restore(checkpoint);
        }
    }

    /// <summary>
    /// Copies trained weights into <paramref name="model"/>: <paramref name="source"/> is a <c>.safetensors</c> file or a model
    /// folder, read as its <c>model.safetensors</c> (the EMA weights of a finished run) or else its checkpoint's EMA.
    /// </summary>
    /// <returns>The file the weights came from.</returns>
    /// <exception cref="FileNotFoundException">Neither the file nor a folder with weights exists.</exception>
    /// <exception cref="InvalidDataException">The file is damaged or its tensors do not fit the model (names the keys).</exception>
    public static string LoadInitialWeights(nn.Module model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        string? path = File.Exists(source) ? source
            : new[] { Path.Combine(source, Checkpoint.WeightsFileName), Path.Combine(source, Checkpoint.FileName) }.FirstOrDefault(File.Exists);
        if (path is null)
        {
            throw new FileNotFoundException(
                $"no initial weights at '{source}': give a .safetensors file or a trained model folder holding model.safetensors " +
                $"or {Checkpoint.FileName}, e.g. data/checkpoints/ddpm-mnist", source);
        }
        Checkpoint.LoadWeights(path, model);
        return path;
    }

    /// <summary>The settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Names, data and command of the run.</summary>
    public RunDescription Run { get; }

    /// <summary>The model being trained.</summary>
    public nn.Module Model => _model;

    /// <summary>The EMA of the weights (sample with <c>Ema.CopyTo(model)</c>).</summary>
    public Ema Ema => _ema;

    /// <summary>The optimizer (Adam).</summary>
    public Adam Optimizer => _optimizer;

    /// <summary>The generator every random draw of the batch source and loss comes from.</summary>
    public Generator Generator => _generator;

    /// <summary>Steps taken so far (restored on resume).</summary>
    public long Step { get; private set; }

    /// <summary>The loss of every step so far (restored on resume).</summary>
    public IReadOnlyList<double> Losses => _losses;

    /// <summary>The joint gradient norm of the last step, before clipping (NaN before the first step or without clipping).</summary>
    public double LastGradNorm { get; private set; } = double.NaN;

    /// <summary>The file a fresh run took its initial weights from (<see cref="TrainerOptions.InitialWeights"/>), or null.</summary>
    public string? InitialisedFrom { get; private set; }

    /// <summary>The checkpoint restored at construction, or null for a fresh run.</summary>
    public CheckpointInfo? ResumedFrom { get; private set; }

    /// <summary>Where one line per checkpoint goes (step, loss, speed); null for none.</summary>
    public TextWriter? Log { get; set; }

    /// <summary>Show a progress bar during <see cref="Run"/> (default true).</summary>
    public bool ShowProgress { get; set; } = true;

    /// <summary>Where the progress bar draws outside a notebook (null: the console).</summary>
    public TextWriter? ProgressOutput { get; set; }

    /// <summary>The checkpoint path of this run, or null without an output folder.</summary>
    public string? CheckpointPath => Options.OutputFolder is null ? null : Path.Combine(Options.OutputFolder, Checkpoint.FileName);

    /// <summary>The mean loss of the last (up to) 100 steps, or null before any step.</summary>
    public double? RecentLoss => _losses.Count == 0 ? null : _losses.Skip(Math.Max(0, _losses.Count - LossWindow)).Average();

    /// <summary>
    /// Trains until <see cref="TrainerOptions.Steps"/> steps are done or a cancel arrives (<paramref name="cancellation"/> or
    /// <see cref="NotebookHost.Cancellation"/>), checked between steps. Checkpoints every N steps and at the end (also on a
    /// cancel); at the end also writes <c>model.safetensors</c> (the EMA weights) and the model cards.
    /// </summary>
    public TrainingResult Train(CancellationToken cancellation = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long start = Step;
        var clock = Stopwatch.StartNew();
        var lastSave = Stopwatch.StartNew();
        long lastSavedStep = ResumedFrom?.Step ?? -1;
        string? written = null;
        bool cancelled = false;
        ProgressBar? bar = null;
        if (ShowProgress && Step < Options.Steps)
        {
            bar = new ProgressBar(Options.Steps - start, start > 0 ? $"{Run.Name} (from step {start})" : Run.Name, ProgressOutput);
        }
        try
        {
            while (Step < Options.Steps)
            {
                if (IsCancelled(cancellation))
                {
                    cancelled = true;
                    break;
                }
                TrainStep();
                bool due = (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0)
                    || (Options.CheckpointEverySeconds > 0 && lastSave.Elapsed.TotalSeconds >= Options.CheckpointEverySeconds);
                if (due && Options.OutputFolder is not null)
                {
                    written = SaveCheckpoint(clock.Elapsed.TotalSeconds);
                    lastSavedStep = Step;
                    lastSave.Restart();
                    if (Step < Options.Steps)
                    {
                        WriteLog(start, clock.Elapsed.TotalSeconds);
                    }
                }
                if (bar is not null)
                {
                    try
                    {
                        bar.Set("lr", _schedule.LearningRate);
                        bar.Report(Step - start, RecentLoss);
                    }
                    catch (OperationCanceledException)
                    {
                        cancelled = true;
                        break;
                    }
                }
            }
        }
        finally
        {
            bar?.Complete();
            bar?.Dispose();
        }
        double session = clock.Elapsed.TotalSeconds;
        if (Options.OutputFolder is not null)
        {
            if (lastSavedStep != Step)
            {
                written = SaveCheckpoint(session);
            }
            if (!cancelled)
            {
                ExportWeights(session);
            }
            WriteLog(start, session, cancelled ? "cancelled" : "done");
        }
        return new TrainingResult(start, Step, cancelled, session, _wallOffset + session, RecentLoss, written);
    }

    /// <summary>
    /// One optimizer step (Algorithm 1's loop body); returns the step's loss. The batch's loss, the model's forward pass with it,
    /// runs in <see cref="TrainerOptions.Precision"/>; the backward pass, clipping, Adam and the EMA in float32.
    /// </summary>
    public double TrainStep()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _model.train();
        using var scope = NewDisposeScope();
        manual_seed((long)StepSeed(Options.Seed, Step));
        var batch = _batches(Step, _generator);
        Tensor loss;
        using (Autocast.Enter(Options.Precision, _device))
        {
            loss = _loss(batch, _generator);
        }
        if (loss.numel() != 1)
        {
            throw new InvalidOperationException($"the loss must be a scalar, got {Shapes.Format(loss)}");
        }
        _optimizer.zero_grad();
        loss.backward();
        LastGradNorm = Options.GradClip > 0 ? nn.utils.clip_grad_norm_(_model.parameters(), Options.GradClip) : double.NaN;
        _optimizer.step();
        _optimizer.zero_grad();
        _schedule.Step();
        _ema.Update(_model);
        double value = loss.item<float>();
        _losses.Add(value);
        Step++;
        return value;
    }

    /// <summary>Writes <c>checkpoint.safetensors</c> and <c>checkpoint.json</c> in the output folder now; returns the path.</summary>
    public string SaveCheckpoint() => SaveCheckpoint(0);

    /// <summary>Restores model, EMA, optimizer, generator, step and loss history from a checkpoint.</summary>
    public CheckpointInfo Restore(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var restored = Checkpoint.Restore(path, _model, _ema, _optimizer, _generator);
        if (restored.Losses.Length != restored.Info.Step)
        {
            throw new InvalidDataException($"{path}: the loss history has {restored.Losses.Length} entries but the checkpoint is at step {restored.Info.Step}");
        }
        Step = restored.Info.Step;
        _schedule.SetStep(Step);
        _losses.Clear();
        _losses.AddRange(restored.Losses);
        _wallOffset = restored.Info.WallTimeSeconds;
        ResumedFrom = restored.Info;
        return restored.Info;
    }

    /// <summary>The model card of the run as it stands (metrics empty; callers add FID and the like).</summary>
    public ModelCard CreateCard(double sessionSeconds = 0) => new()
    {
        Name = Run.Name,
        Architecture = _model.GetType().Name,
        ArchitectureConfig = Run.ArchitectureConfig?.DeepClone(),
        Parameters = _model.parameters().Sum(p => p.numel()),
        Data = Run.Data,
        Process = Run.Process?.DeepClone(),
        Training = Options,
        Steps = Step,
        WallTimeSeconds = Math.Round(_wallOffset + sessionSeconds, 3),
        FinalLoss = RecentLoss,
        FinalLossWindow = Math.Min(LossWindow, _losses.Count),
        Seed = Options.Seed,
        Command = Run.Command,
        Environment = EnvironmentText(),
        Written = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    };

    /// <summary>The run's configuration as stored in checkpoints: name, data, process, architecture config, options.</summary>
    public string ConfigJson()
    {
        var node = new JsonObject
        {
            ["name"] = Run.Name,
            ["data"] = Run.Data,
            ["process"] = Run.Process?.DeepClone(),
            ["architecture"] = _model.GetType().Name,
            ["architectureConfig"] = Run.ArchitectureConfig?.DeepClone(),
            ["training"] = JsonSerializer.SerializeToNode(Options, ModelCard.Options),
        };
        return node.ToJsonString();
    }

    /// <summary>The per-step global seed: SplitMix64 of (seed, step), so dropout masks depend only on them.</summary>
    public static ulong StepSeed(ulong seed, long step)
    {
        ulong z = seed + 0x9E3779B97F4A7C15UL * (ulong)(step + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (z ^ (z >> 31)) & 0x7FFF_FFFF_FFFF_FFFFUL;
    }

    /// <summary>Frees the optimizer state, the EMA and the generator (not the model).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _optimizer.Dispose();
        _ema.Dispose();
        _generator.Dispose();
    }

    private string SaveCheckpoint(double sessionSeconds)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string path = CheckpointPath ?? throw new InvalidOperationException("the trainer has no output folder (TrainerOptions.OutputFolder)");
        Checkpoint.Save(path, new CheckpointContent(_model, Step)
        {
            Ema = _ema,
            Optimizer = _optimizer,
            Generator = _generator,
            Losses = _losses,
            WallTimeSeconds = _wallOffset + sessionSeconds,
            ConfigJson = ConfigJson(),
            FinalLoss = RecentLoss,
        });
        CreateCard(sessionSeconds).Save(ModelCard.PathFor(path));
        return path;
    }

    private void ExportWeights(double sessionSeconds)
    {
        string path = Path.Combine(Options.OutputFolder!, Checkpoint.WeightsFileName);
        var metadata = new Dictionary<string, string>
        {
            ["step"] = Step.ToString(CultureInfo.InvariantCulture),
            ["config"] = ConfigJson(),
            ["weights"] = "ema",
        };
        Checkpoint.SaveWeights(path, _ema.StateDict(), metadata);
        CreateCard(sessionSeconds).Save(ModelCard.PathFor(path));
    }

    private void WriteLog(long start, double seconds, string? note = null)
    {
        if (Log is null)
        {
            return;
        }
        double rate = seconds > 0 ? (Step - start) / seconds : 0;
        string loss = RecentLoss is double l ? l.ToString("0.00000", CultureInfo.InvariantCulture) : "-";
        Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{Run.Name}] step {Step}/{Options.Steps} loss(mean of last {Math.Min(LossWindow, _losses.Count)}) {loss} lr {_schedule.LearningRate:0.####e+0} grad-norm {LastGradNorm:0.###} {(rate > 0 ? 1 / rate : 0):0.###} s/step wall {_wallOffset + seconds:0} s checkpoint {CheckpointPath}{(note is null ? "" : " " + note)}"));
        Log.Flush();
    }

    private static bool IsCancelled(CancellationToken token) =>
        token.IsCancellationRequested || NotebookHost.Cancellation.IsCancellationRequested;

    private static string EnvironmentText() => string.Create(CultureInfo.InvariantCulture,
        $"{TorchEngine.Describe()}, {System.Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}");
}
