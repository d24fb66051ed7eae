using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Training;

/// <summary>
/// TorchSharp's Adam state as named tensors, for checkpoints: per parameter name, in PyTorch 1.13's layout,
/// <c>{name}.step</c> (a 0-d float32), <c>{name}.exp_avg</c> (m_t), <c>{name}.exp_avg_sq</c> (v_t) and, with AMSGrad,
/// <c>{name}.max_exp_avg_sq</c>.
/// </summary>
/// <remarks>
/// The optimizer must have been built over <c>model.parameters()</c> (one group, in the model's order), as
/// <see cref="Trainer"/> does: TorchSharp keeps the state in that order. <see cref="Load"/> copies in place, so resuming
/// continues bit for bit.
/// </remarks>
public static class AdamState
{
    /// <summary>
    /// The state of <paramref name="adam"/>, keyed by the names of <paramref name="model"/>'s parameters: the moments are the
    /// optimizer's own tensors (do not dispose them); the step scalars are new tensors in the caller's dispose scope.
    /// </summary>
    public static Dictionary<string, Tensor> Save(Adam adam, nn.Module model)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, state) in Pair(adam, model))
        {
            result[name + ".step"] = tensor((float)state.step);   // made in the caller's scope
            result[name + ".exp_avg"] = state.exp_avg;
            result[name + ".exp_avg_sq"] = state.exp_avg_sq;
            if (state.max_exp_avg_sq is not null)
            {
                result[name + ".max_exp_avg_sq"] = state.max_exp_avg_sq;
            }
        }
        return result;
    }

    /// <summary>
    /// Restores state saved by <see cref="Save"/> into <paramref name="adam"/>, in place; lists every missing key and every
    /// shape mismatch (both shapes) in one <see cref="InvalidOperationException"/> and changes nothing then.
    /// </summary>
    public static void Load(Adam adam, nn.Module model, IReadOnlyDictionary<string, Tensor> saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var pairs = Pair(adam, model);
        var errors = new List<string>();
        foreach (var (name, state) in pairs)
        {
            foreach (var (key, target) in Tensors(name, state))
            {
                if (!saved.TryGetValue(key, out var source))
                {
                    errors.Add($"missing key \"{key}\"");
                }
                else if (target is not null && !source.shape.AsSpan().SequenceEqual(target.shape))
                {
                    errors.Add($"size mismatch for {key}: {Shapes.Format(source)} in the state dict, {Shapes.Format(target)} for the parameter");
                }
            }
        }
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Error(s) in loading the state of Adam:\n\t" + string.Join("\n\t", errors));
        }
        using var noGrad = no_grad();
        foreach (var (name, state) in pairs)
        {
            state.step = (long)saved[name + ".step"].item<float>();
            state.exp_avg.copy_(saved[name + ".exp_avg"]);
            state.exp_avg_sq.copy_(saved[name + ".exp_avg_sq"]);
            state.max_exp_avg_sq?.copy_(saved[name + ".max_exp_avg_sq"]);
        }
    }

    private static IEnumerable<(string Key, Tensor? Target)> Tensors(string name, Adam.State state)
    {
        yield return (name + ".step", null);
        yield return (name + ".exp_avg", state.exp_avg);
        yield return (name + ".exp_avg_sq", state.exp_avg_sq);
        if (state.max_exp_avg_sq is not null)
        {
            yield return (name + ".max_exp_avg_sq", state.max_exp_avg_sq);
        }
    }

    private static List<(string Name, Adam.State State)> Pair(Adam adam, nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(adam);
        ArgumentNullException.ThrowIfNull(model);
        var names = model.named_parameters().Select(p => p.name).ToList();
        var states = adam.state_dict().State.Cast<Adam.State>().ToList();
        if (names.Count != states.Count)
        {
            throw new InvalidOperationException($"the optimizer holds state for {states.Count} parameters but the model has {names.Count}: build the optimizer over model.parameters()");
        }
        return names.Zip(states).ToList();
    }
}
