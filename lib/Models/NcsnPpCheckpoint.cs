using System.Collections;
using Diffusion.IO;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// Loads score_sde_pytorch weights into an <see cref="NcsnPp"/>. Its checkpoints (<c>checkpoint_N.pth</c>) are pickles of
/// <c>{'model': state_dict (keys prefixed 'module.'), 'ema': {'decay', 'num_updates', 'shadow_params': [...]}, 'optimizer', 'step'}</c>;
/// the EMA weights (the ones the paper samples with) are a bare list in the order of the model's trainable parameters.
/// <see cref="Load"/> reads such a <c>.pth</c> itself, without Python (<see cref="PyTorchPickle"/>, TorchSharp.PyBridge's
/// unpickler): it pairs the EMA list with the state dict's names in the file's own order, skipping the tensors that are not
/// trainable (<see cref="FixedTensors"/>), as score_sde_pytorch's <c>ExponentialMovingAverage</c> does. It also reads a
/// safetensors file (for instance one written by <c>environment/score_sde_to_safetensors.py</c>).
/// </summary>
public static class NcsnPpCheckpoint
{
    /// <summary>The prefix that <c>torch.nn.DataParallel</c> puts before every key of score_sde_pytorch's state dicts.</summary>
    public const string DataParallelPrefix = "module.";

    /// <summary>The state-dict entries that are not trainable parameters, so not in the EMA list: the VE σ's buffer and the fixed Fourier frequencies.</summary>
    public static IReadOnlyList<string> FixedTensors { get; } = ["sigmas", "all_modules.0.W"];

    /// <summary>
    /// Copies the weights of <paramref name="path"/> into <paramref name="model"/>, strictly (every key, no other, the same
    /// shapes; see <see cref="StateDicts.Load"/>), after removing a leading <c>module.</c> from each key. A <c>.pth</c> (any file
    /// in torch.save's zip format) is read as a score_sde_pytorch checkpoint (<see cref="ReadPth"/>: the EMA weights unless
    /// <paramref name="ema"/> is false); anything else as safetensors.
    /// </summary>
    public static void Load(NcsnPp model, string path, bool ema = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var scope = NewDisposeScope();
        var state = IsZip(path) ? ReadPth(path, ema) : Safetensors.Load(path);
        StateDicts.Load(model, StripPrefix(state), path);
    }

    /// <summary>
    /// The named weights of a score_sde_pytorch checkpoint (<c>checkpoint_N.pth</c>): the state dict under <c>'model'</c>, with the
    /// trainable entries replaced, when <paramref name="ema"/>, by <c>'ema'</c>'s <c>shadow_params</c> in the state dict's order.
    /// Keys keep their <c>module.</c> prefix; the tensors are in the caller's dispose scope.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not such a checkpoint, or its EMA list does not match its state dict (count or shapes).</exception>
    public static Dictionary<string, Tensor> ReadPth(string path, bool ema = true)
    {
        var top = PyTorchPickle.Read(path);
        if (top["model"] is not OrderedTable model)
        {
            throw new InvalidDataException($"{path} has no 'model' state dict (keys: {string.Join(", ", top.Keys.Cast<object>())}): not a score_sde_pytorch checkpoint; " +
                "a bare state dict loads with StateDicts.Load");
        }
        var names = model.OrderedKeys.Select(k => (string)k).ToList();
        var named = names.ToDictionary(n => n, n => model[n] as Tensor ?? throw new InvalidDataException($"{path}: 'model'['{n}'] is not a tensor"));
        if (!ema)
        {
            return named;
        }
        var shadow = (top["ema"] as Hashtable)?["shadow_params"] as IList
            ?? throw new InvalidDataException($"{path} has no 'ema' with 'shadow_params': load its 'model' weights with ema: false");
        var trainable = names.Where(n => !FixedTensors.Contains(n.StartsWith(DataParallelPrefix, StringComparison.Ordinal) ? n[DataParallelPrefix.Length..] : n)).ToList();
        if (trainable.Count != shadow.Count)
        {
            throw new InvalidDataException($"{path}: {shadow.Count} EMA tensors for {trainable.Count} trainable state-dict entries: not an NCSN++ checkpoint?");
        }
        for (int i = 0; i < trainable.Count; i++)
        {
            var value = shadow[i] as Tensor ?? throw new InvalidDataException($"{path}: 'ema'['shadow_params'][{i}] is not a tensor");
            if (!value.shape.SequenceEqual(named[trainable[i]].shape))
            {
                throw new InvalidDataException($"{path}: EMA tensor {i} has shape [{string.Join(", ", value.shape)}], {trainable[i]} [{string.Join(", ", named[trainable[i]].shape)}]");
            }
            named[trainable[i]] = value;
        }
        return named;
    }

    private static bool IsZip(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return stream.Read(head) == 4 && head[0] == 0x50 && head[1] == 0x4b && head[2] == 0x03 && head[3] == 0x04;
    }

    /// <summary>The same tensors with a leading <see cref="DataParallelPrefix"/> removed from every key that has it.</summary>
    public static Dictionary<string, Tensor> StripPrefix(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var stripped = new Dictionary<string, Tensor>(state.Count);
        foreach (var (key, value) in state)
        {
            string name = key.StartsWith(DataParallelPrefix, StringComparison.Ordinal) ? key[DataParallelPrefix.Length..] : key;
            if (!stripped.TryAdd(name, value))
            {
                throw new ArgumentException($"the state dict has both '{name}' and '{DataParallelPrefix}{name}'", nameof(state));
            }
        }
        return stripped;
    }
}
