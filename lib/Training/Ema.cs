using Diffusion.Engine;
using Diffusion.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Training;

/// <summary>
/// An exponential moving average of a model's parameters (the "EMA weights" DDPM samples with).
/// </summary>
/// <remarks>
/// <see cref="Update"/>: θ̄ ← decay · θ̄ + (1 − decay) · θ for every floating-point parameter (computed as
/// <c>θ̄.lerp_(θ, 1 − decay)</c>, one kernel per tensor); buffers are copied. <see cref="CopyTo"/> writes the shadow values
/// into a model of the same structure. The shadow tensors belong to this object (freed by <see cref="Dispose"/>), never
/// to a caller's dispose scope.
/// </remarks>
public sealed class Ema : IDisposable
{
    private readonly Dictionary<string, Tensor> _shadow = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly HashSet<string> _averaged = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Starts the average at <paramref name="model"/>'s current parameters and buffers.</summary>
    public Ema(nn.Module model, double decay = 0.9999)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(decay >= 0 && decay <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "the decay must be in [0, 1]");
        }
        Decay = decay;
        var parameters = model.named_parameters().Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (name, t) in model.state_dict())
            {
                _shadow[name] = t.detach().clone().DetachFromDisposeScope();
                _order.Add(name);
                if (parameters.Contains(name) && t.is_floating_point())
                {
                    _averaged.Add(name);
                }
            }
        }
    }

    /// <summary>The decay: the weight of the old average at each update.</summary>
    public double Decay { get; set; }

    /// <summary>Updates done so far.</summary>
    public long UpdateCount { get; private set; }

    /// <summary>θ̄ ← decay · θ̄ + (1 − decay) · θ for the parameters of <paramref name="model"/>; buffers copied.</summary>
    public void Update(nn.Module model)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, t) in model.state_dict())
        {
            if (!_shadow.TryGetValue(name, out var s))
            {
                throw new InvalidOperationException($"the model has '{name}', which this EMA does not track");
            }
            if (_averaged.Contains(name))
            {
                s.lerp_(t, 1 - Decay);
            }
            else
            {
                s.copy_(t);
            }
        }
        UpdateCount++;
    }

    /// <summary>Writes the averaged values into <paramref name="model"/> (same structure), in place.</summary>
    public void CopyTo(nn.Module model)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        StateDicts.Load(model, StateDict());
    }

    /// <summary>The shadow values by the model's state-dict names, in its order; owned by this object, do not dispose them.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var name in _order)
        {
            result[name] = _shadow[name];
        }
        return result;
    }

    /// <summary>Restores shadow values saved by <see cref="StateDict"/> (copied in place); names a missing key or both shapes of a mismatch.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var missing = _order.Where(k => !stateDict.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException("Missing key(s) in the EMA state dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")));
        }
        foreach (var name in _order)
        {
            var from = stateDict[name];
            if (!from.shape.AsSpan().SequenceEqual(_shadow[name].shape))
            {
                throw new InvalidOperationException($"size mismatch for {name}: {Shapes.Format(from)} in the state dict, {Shapes.Format(_shadow[name])} in the EMA");
            }
        }
        using var noGrad = no_grad();
        foreach (var name in _order)
        {
            _shadow[name].copy_(stateDict[name]);
        }
    }

    /// <summary>Frees the shadow tensors.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var t in _shadow.Values)
        {
            t.Dispose();
        }
        _shadow.Clear();
    }
}
