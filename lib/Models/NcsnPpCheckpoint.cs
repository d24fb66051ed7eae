using Diffusion.IO;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// Loads score_sde_pytorch weights into an <see cref="NcsnPp"/>. Its checkpoints (<c>checkpoint_N.pth</c>) are pickles of
/// <c>{'model': state_dict (keys prefixed 'module.'), 'ema': {'decay', 'num_updates', 'shadow_params': [...]}, 'optimizer', 'step'}</c>;
/// the EMA weights (the ones the paper samples with) are a bare list in the order of the model's trainable parameters.
/// A PyTorch pickle is converted once to safetensors by <c>environment/score_sde_to_safetensors.py</c> (it pairs the EMA
/// list with the names and writes plain tensors), which <see cref="Load"/> reads with the course's <see cref="Safetensors"/>.
/// </summary>
public static class NcsnPpCheckpoint
{
    /// <summary>The prefix that <c>torch.nn.DataParallel</c> puts before every key of score_sde_pytorch's state dicts.</summary>
    public const string DataParallelPrefix = "module.";

    /// <summary>
    /// Copies the tensors of the safetensors file <paramref name="path"/> into <paramref name="model"/>, strictly (every
    /// key, no other, the same shapes; see <see cref="StateDicts.Load"/>), after removing a leading <c>module.</c> from each key.
    /// </summary>
    public static void Load(NcsnPp model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var scope = NewDisposeScope();
        var state = Safetensors.Load(path);
        StateDicts.Load(model, StripPrefix(state), path);
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
