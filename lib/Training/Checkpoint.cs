using System.Globalization;
using System.Runtime.InteropServices;
using Diffusion.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Training;

/// <summary>
/// Training checkpoints: one safetensors file holding the model (<c>model.*</c>), its EMA (<c>ema.*</c>), the Adam state
/// (<c>optimizer.*</c>, see <see cref="AdamState"/>), the trainer's generator state (<c>rng.generator</c>) and the loss history
/// (<c>train.losses</c>), with the step, wall time, configuration and a CRC-32 of the data in <c>__metadata__</c>.
/// </summary>
/// <remarks>
/// Written atomically (temp file + rename, <see cref="AtomicFile"/>): a crash or a full disk leaves the previous checkpoint.
/// Any damage (truncation, a bad header, flipped bits in the data, missing parts) is reported as an
/// <see cref="InvalidDataException"/> whose message starts with the file's path. The files read in Python with
/// <c>safetensors.torch.load_file</c>; <c>{k[4:]: v for k, v in sd.items() if k.startswith("ema.")}</c> is the EMA state dict.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The training checkpoint's file name inside a run's folder.</summary>
    public const string FileName = "checkpoint.safetensors";

    /// <summary>The exported sampling weights (EMA, plain state-dict keys) inside a run's folder.</summary>
    public const string WeightsFileName = "model.safetensors";

    /// <summary>The <c>format</c> metadata value of a training checkpoint.</summary>
    public const string Format = "diffusion-training-checkpoint/1";

    /// <summary>The <c>format</c> metadata value of exported weights.</summary>
    public const string WeightsFormat = "diffusion-weights/1";

    private const string ModelPrefix = "model.";
    private const string EmaPrefix = "ema.";
    private const string OptimizerPrefix = "optimizer.";
    private const string GeneratorKey = "rng.generator";
    private const string LossesKey = "train.losses";

    /// <summary>The checkpoint of a run's folder, or null when it has none yet.</summary>
    public static string? Find(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string path = Path.Combine(folder, FileName);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Writes a training checkpoint to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, CheckpointContent content)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(content);
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var modelState = content.Model.state_dict();
        if (modelState.Count == 0)
        {
            throw new InvalidOperationException($"{path}: not written: the model has no parameters or buffers to save (was it disposed?)");
        }
        AddPrefixed(tensors, ModelPrefix, modelState);
        if (content.Ema is not null)
        {
            AddPrefixed(tensors, EmaPrefix, content.Ema.StateDict());
        }
        if (content.Optimizer is not null)
        {
            AddPrefixed(tensors, OptimizerPrefix, AdamState.Save(content.Optimizer, content.Model));
        }
        if (content.Generator is not null)
        {
            tensors[GeneratorKey] = content.Generator.get_state();
        }
        if (content.Losses is { Count: > 0 } losses)
        {
            tensors[LossesKey] = tensor(losses.ToArray());
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = Format,
            ["step"] = content.Step.ToString(CultureInfo.InvariantCulture),
            ["wall_seconds"] = content.WallTimeSeconds.ToString("R", CultureInfo.InvariantCulture),
            ["crc32"] = DataCrc(tensors).ToString("x8", CultureInfo.InvariantCulture),
        };
        if (content.ConfigJson is not null)
        {
            metadata["config"] = content.ConfigJson;
        }
        if (content.FinalLoss is double loss)
        {
            metadata["final_loss"] = loss.ToString("R", CultureInfo.InvariantCulture);
        }
        EnsureFolder(path);
        Safetensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Writes sampling weights (plain state-dict keys, e.g. the EMA's) to <paramref name="path"/>, atomically, with a
    /// CRC-32; <see cref="LoadWeights"/> and <c>safetensors.torch.load_file</c> read them.
    /// </summary>
    public static void SaveWeights(string path, IReadOnlyDictionary<string, Tensor> weights, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var meta = metadata is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        meta["format"] = WeightsFormat;
        meta["crc32"] = DataCrc(weights).ToString("x8", CultureInfo.InvariantCulture);
        EnsureFolder(path);
        Safetensors.Save(path, weights, meta);
    }

    /// <summary>Reads the step, wall time and configuration of a checkpoint from its header (no tensor data is read).</summary>
    /// <exception cref="InvalidDataException">The file is damaged or not a training checkpoint; the message names it.</exception>
    public static CheckpointInfo ReadInfo(string path)
    {
        var header = ReadHeader(path);
        return Info(path, header);
    }

    /// <summary>
    /// Checks the file's structure and data checksum; throws <see cref="InvalidDataException"/> naming the file when it is
    /// truncated, malformed or altered.
    /// </summary>
    public static void Verify(string path)
    {
        var header = ReadHeader(path);
        if (!header.Metadata.TryGetValue("crc32", out var expected))
        {
            return; // a foreign safetensors file: structure checked, nothing more to compare
        }
        byte[] bytes = File.ReadAllBytes(path);
        long dataLength = header.Tensors.Count == 0 ? 0 : header.Tensors.Max(e => e.End);
        if (header.DataStart + dataLength > bytes.LongLength)
        {
            throw new InvalidDataException($"{path}: truncated: the data section needs {header.DataStart + dataLength} bytes, the file has {bytes.LongLength}");
        }
        uint actual = Crc32.Compute(bytes.AsSpan((int)header.DataStart, (int)dataLength));
        string actualText = actual.ToString("x8", CultureInfo.InvariantCulture);
        if (!string.Equals(actualText, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{path}: the data is damaged: its CRC-32 is {actualText} but the header records {expected}");
        }
    }

    /// <summary>
    /// Loads a training checkpoint into live training objects (each copied in place) and returns its information and
    /// loss history. Pass null for the parts you do not need.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is damaged, lacks a part that was asked for, or does not fit the model; the message names the file.</exception>
    public static RestoredCheckpoint Restore(string path, nn.Module model, Ema? ema = null, Adam? optimizer = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Verify(path);
        var info = ReadInfo(path);
        var all = LoadAll(path);
        try
        {
            var modelState = Prefixed(all, ModelPrefix);
            if (modelState.Count == 0)
            {
                throw new InvalidDataException($"{path}: no model weights (no '{ModelPrefix}*' tensors)");
            }
            Fit(path, "model weights", () => StateDicts.Load(model, modelState));
            if (ema is not null)
            {
                var emaState = Prefixed(all, EmaPrefix);
                if (emaState.Count == 0)
                {
                    throw new InvalidDataException($"{path}: no EMA weights (no '{EmaPrefix}*' tensors)");
                }
                Fit(path, "EMA weights", () => ema.LoadStateDict(emaState));
            }
            if (optimizer is not null)
            {
                var optimizerState = Prefixed(all, OptimizerPrefix);
                if (optimizerState.Count == 0 && info.Step > 0)
                {
                    throw new InvalidDataException($"{path}: no optimizer state (no '{OptimizerPrefix}*' tensors) at step {info.Step}");
                }
                Fit(path, "optimizer state", () => AdamState.Load(optimizer, model, optimizerState));
            }
            if (generator is not null)
            {
                if (!all.TryGetValue(GeneratorKey, out var state))
                {
                    throw new InvalidDataException($"{path}: no generator state ('{GeneratorKey}')");
                }
                Fit(path, "generator state", () => generator.set_state(state));
            }
            double[] losses = all.TryGetValue(LossesKey, out var l) ? l.to(float64).data<double>().ToArray() : [];
            return new RestoredCheckpoint(info, losses);
        }
        finally
        {
            foreach (var t in all.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>
    /// Loads weights for sampling into <paramref name="model"/>: from a training checkpoint its EMA weights (or the raw
    /// weights when <paramref name="preferEma"/> is false or it has no EMA), from exported weights the plain keys.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is damaged or does not fit the model; the message names the file.</exception>
    public static void LoadWeights(string path, nn.Module model, bool preferEma = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        Verify(path);
        var all = LoadAll(path);
        try
        {
            var ema = Prefixed(all, EmaPrefix);
            var raw = Prefixed(all, ModelPrefix);
            var chosen = preferEma && ema.Count > 0 ? ema : raw.Count > 0 ? raw : ema.Count > 0 ? ema : (IReadOnlyDictionary<string, Tensor>)all;
            Fit(path, "weights", () => StateDicts.Load(model, chosen));
        }
        finally
        {
            foreach (var t in all.Values)
            {
                t.Dispose();
            }
        }
    }

    private static SafetensorsHeader ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no checkpoint at '{path}'", path);
        }
        try
        {
            return Safetensors.ReadHeader(path);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: truncated checkpoint ({e.Message})", e);
        }
    }

    private static Dictionary<string, Tensor> LoadAll(string path)
    {
        try
        {
            return Safetensors.Load(path);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: truncated checkpoint ({e.Message})", e);
        }
    }

    private static CheckpointInfo Info(string path, SafetensorsHeader header)
    {
        var m = header.Metadata;
        if (!m.TryGetValue("format", out var format) || format != Format)
        {
            throw new InvalidDataException($"{path}: not a training checkpoint (metadata 'format' is {(format is null ? "missing" : $"'{format}'")}, expected '{Format}')");
        }
        if (!m.TryGetValue("step", out var stepText) || !long.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out long step))
        {
            throw new InvalidDataException($"{path}: metadata 'step' is missing or not a non-negative integer ('{stepText}')");
        }
        double wall = 0;
        if (m.TryGetValue("wall_seconds", out var wallText) && !double.TryParse(wallText, NumberStyles.Float, CultureInfo.InvariantCulture, out wall))
        {
            throw new InvalidDataException($"{path}: metadata 'wall_seconds' is not a number ('{wallText}')");
        }
        double? finalLoss = null;
        if (m.TryGetValue("final_loss", out var lossText))
        {
            if (!double.TryParse(lossText, NumberStyles.Float, CultureInfo.InvariantCulture, out double loss))
            {
                throw new InvalidDataException($"{path}: metadata 'final_loss' is not a number ('{lossText}')");
            }
            finalLoss = loss;
        }
        return new CheckpointInfo(path, step, wall, m.GetValueOrDefault("config"), finalLoss);
    }

    private static void Fit(string path, string what, Action load)
    {
        try
        {
            load();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"{path}: the {what} do not fit: {e.Message}", e);
        }
        catch (ExternalException e)
        {
            throw new InvalidDataException($"{path}: the {what} do not fit: {e.Message}", e);
        }
    }

    private static void AddPrefixed(Dictionary<string, Tensor> into, string prefix, IEnumerable<KeyValuePair<string, Tensor>> state)
    {
        foreach (var (k, v) in state)
        {
            into[prefix + k] = v;
        }
    }

    private static Dictionary<string, Tensor> Prefixed(Dictionary<string, Tensor> all, string prefix)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in all)
        {
            if (k.StartsWith(prefix, StringComparison.Ordinal))
            {
                result[k[prefix.Length..]] = v;
            }
        }
        return result;
    }

    /// <summary>The CRC-32 of the data section that <see cref="Safetensors.Save"/> will write (tensors in name order).</summary>
    private static uint DataCrc(IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var crc = new Crc32Stream();
        foreach (var name in tensors.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            TensorBytes.Write(crc, tensors[name]);
        }
        return crc.Value;
    }

    private static void EnsureFolder(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }
    }
}

/// <summary>The live objects a checkpoint is written from.</summary>
/// <param name="Model">The trained model (<c>model.*</c>).</param>
/// <param name="Step">Optimizer steps taken.</param>
public sealed record CheckpointContent(nn.Module Model, long Step)
{
    /// <summary>The EMA of the weights (<c>ema.*</c>), or null.</summary>
    public Ema? Ema { get; init; }

    /// <summary>The Adam optimizer over <see cref="Model"/>'s parameters (<c>optimizer.*</c>), or null.</summary>
    public Adam? Optimizer { get; init; }

    /// <summary>The trainer's generator (<c>rng.generator</c>), or null.</summary>
    public Generator? Generator { get; init; }

    /// <summary>The loss of every step so far (<c>train.losses</c>, float64), or null.</summary>
    public IReadOnlyList<double>? Losses { get; init; }

    /// <summary>Seconds of training so far.</summary>
    public double WallTimeSeconds { get; init; }

    /// <summary>The run's configuration as JSON, or null.</summary>
    public string? ConfigJson { get; init; }

    /// <summary>The mean loss of the last steps, or null.</summary>
    public double? FinalLoss { get; init; }
}

/// <summary>What <see cref="Checkpoint.Restore"/> read besides the tensors it copied.</summary>
/// <param name="Info">Step, wall time, configuration.</param>
/// <param name="Losses">The loss of every step up to <see cref="CheckpointInfo.Step"/>.</param>
public sealed record RestoredCheckpoint(CheckpointInfo Info, double[] Losses);
