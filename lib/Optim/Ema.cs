using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Optim;

/// <summary>
/// An exponential moving average of a model's parameters (the "EMA weights" DDPM samples with).
/// </summary>
/// <remarks>
/// <see cref="Update"/>: shadow = decay * shadow + (1 - decay) * parameter for every floating-point parameter;
/// buffers are copied. <see cref="CopyTo"/> writes the shadow values into a model of the same structure.
/// The shadow tensors are owned by this object (freed by <see cref="Dispose"/>).
/// </remarks>
public sealed class Ema : IDisposable
{
    private readonly OrderedDictionary<string, Tensor> _shadow = new();
    private readonly HashSet<string> _averaged = new();
    private bool _disposed;

    /// <summary>Starts the average at <paramref name="model"/>'s current parameters and buffers.</summary>
    public Ema(Module model, double decay = 0.9999)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(decay >= 0 && decay <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "the decay must be in [0, 1]");
        }
        Decay = decay;
        var parameters = model.NamedParameters().Select(p => p.Name).ToHashSet();
        using var outside = TensorScope.Outside();
        using var noGrad = Torch.NoGrad();
        foreach (var (name, t) in model.StateDict())
        {
            _shadow[name] = t.Detach().Clone();
            if (parameters.Contains(name) && t.DType.IsFloatingPoint())
            {
                _averaged.Add(name);
            }
        }
    }

    /// <summary>The decay rate (0.9999 in DDPM).</summary>
    public double Decay { get; set; }

    /// <summary>Updates applied so far.</summary>
    public long UpdateCount { get; private set; }

    /// <summary>Moves the average towards <paramref name="model"/>'s parameters (and copies its buffers).</summary>
    public void Update(Module model)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(model);
        using var scope = new TensorScope();
        using var noGrad = Torch.NoGrad();
        foreach (var (name, t) in model.StateDict())
        {
            if (!_shadow.TryGetValue(name, out var s))
            {
                throw new InvalidOperationException($"the model has '{name}', which this EMA does not track");
            }
            if (_averaged.Contains(name))
            {
                s.Mul_(Decay).Add_(t, 1 - Decay);
            }
            else
            {
                s.Copy_(t);
            }
        }
        UpdateCount++;
    }

    /// <summary>Writes the averaged values into <paramref name="model"/> (strict: same names and shapes).</summary>
    public void CopyTo(Module model)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(model);
        model.LoadStateDict(_shadow, strict: true);
    }

    /// <summary>The shadow values by the model's state-dict names; owned by this object, do not dispose them.</summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new OrderedDictionary<string, Tensor>(_shadow);
    }

    /// <summary>Restores shadow values saved by <see cref="StateDict"/> (copied in place).</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var missing = _shadow.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException("Missing key(s) in the EMA state dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")));
        }
        using var noGrad = Torch.NoGrad();
        foreach (var (name, s) in _shadow)
        {
            var from = stateDict[name];
            if (!from.Shape.AsSpan().SequenceEqual(s.Shape))
            {
                throw new InvalidOperationException($"size mismatch for {name}: {Tensor.FormatShape(from.Shape)} in the state dict, {Tensor.FormatShape(s.Shape)} in the EMA");
            }
            s.Copy_(from);
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
