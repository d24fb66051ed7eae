using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>
/// The base of every layer and network, after <c>torch.nn.Module</c>: a tree of named parameters (trainable
/// tensors), buffers (state that is saved but not trained) and child modules.
/// </summary>
/// <remarks>
/// Names are dotted paths as in PyTorch (<c>down.0.conv1.weight</c>; children of a <see cref="ModuleList{T}"/>
/// or <see cref="Sequential"/> are named <c>0</c>, <c>1</c>, ...), so a state dict saved here loads into the
/// PyTorch module of the same structure and back. Parameters and buffers are created outside any
/// <see cref="TensorScope"/> and belong to the module: <see cref="Dispose()"/> frees them. Subclasses register
/// their tensors in the constructor and read them back through <see cref="GetParameter"/> / <see cref="GetBuffer"/>,
/// so that <see cref="To(Device)"/> can replace them.
/// </remarks>
public abstract class Module : IDisposable
{
    private readonly OrderedDictionary<string, Tensor?> _parameters = new();
    private readonly OrderedDictionary<string, Tensor?> _buffers = new();
    private readonly OrderedDictionary<string, Module> _modules = new();
    private bool _disposed;

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>; dropout reads it.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>The class name, used in error messages (PyTorch's <c>Linear</c>, <c>Conv2d</c>, ...).</summary>
    public virtual string TypeName => GetType().Name;

    // ---------------------------------------------------------------- registration

    /// <summary>
    /// Registers <paramref name="value"/> as the parameter <paramref name="name"/> and makes it a leaf that
    /// requires a gradient (unless <paramref name="requiresGrad"/> is false). The module takes ownership of
    /// the tensor and frees it on <see cref="Dispose()"/>. A null value registers an absent parameter
    /// (e.g. <c>bias=False</c>), which is skipped by <see cref="NamedParameters"/> and state dicts.
    /// </summary>
    protected Tensor? RegisterParameter(string name, Tensor? value, bool requiresGrad = true)
    {
        CheckName(name);
        if (value is not null)
        {
            Detach(value);
            if (value.DType.IsFloatingPoint())
            {
                value.RequiresGrad = requiresGrad;
            }
        }
        _parameters[name] = value;
        return value;
    }

    /// <summary>Registers a buffer: saved in the state dict and moved by <see cref="To(Device)"/>, never trained.</summary>
    protected Tensor? RegisterBuffer(string name, Tensor? value)
    {
        CheckName(name);
        if (value is not null)
        {
            Detach(value);
        }
        _buffers[name] = value;
        return value;
    }

    /// <summary>Registers <paramref name="module"/> as the child <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        if (ReferenceEquals(module, this))
        {
            throw new ArgumentException("a module cannot be its own child", nameof(module));
        }
        _modules[name] = module;
        return module;
    }

    /// <summary>The parameter registered as <paramref name="name"/> on this module (null when registered absent).</summary>
    protected Tensor? GetParameter(string name) =>
        _parameters.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"{TypeName} has no parameter '{name}'");

    /// <summary>The buffer registered as <paramref name="name"/> on this module.</summary>
    protected Tensor? GetBuffer(string name) =>
        _buffers.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"{TypeName} has no buffer '{name}'");

    private void CheckName(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
        {
            throw new ArgumentException($"'{name}' is not a valid name: names must be non-empty and contain no '.'", nameof(name));
        }
        bool taken = (_parameters.ContainsKey(name) ? 1 : 0) + (_buffers.ContainsKey(name) ? 1 : 0) + (_modules.ContainsKey(name) ? 1 : 0) > 0;
        if (taken)
        {
            throw new ArgumentException($"{TypeName} already has a parameter, buffer or module named '{name}'", nameof(name));
        }
    }

    private static void Detach(Tensor value)
    {
        // Parameters are owned by the module, never by a scope that happens to be open.
        value.Owner = null;
    }

    // ---------------------------------------------------------------- traversal

    /// <summary>The direct children with their names, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        foreach (var kv in _modules)
        {
            yield return (kv.Key, kv.Value);
        }
    }

    /// <summary>This module and every descendant, with dotted names (this one is <c>""</c>).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var kv in _modules)
        {
            foreach (var m in kv.Value.NamedModules(Join(prefix, kv.Key)))
            {
                yield return m;
            }
        }
    }

    /// <summary>Every parameter of this module and its descendants, with dotted names, in PyTorch's order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, m) in NamedModules())
        {
            foreach (var kv in m._parameters)
            {
                if (kv.Value is not null && seen.Add(kv.Value))
                {
                    yield return (Join(prefix, kv.Key), kv.Value);
                }
            }
        }
    }

    /// <summary>Every parameter of this module and its descendants (see <see cref="NamedParameters"/>).</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer of this module and its descendants, with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var (prefix, m) in NamedModules())
        {
            foreach (var kv in m._buffers)
            {
                if (kv.Value is not null)
                {
                    yield return (Join(prefix, kv.Key), kv.Value);
                }
            }
        }
    }

    /// <summary>The number of parameter elements (trainable or not), e.g. 944,001 for the benchmark UNet.</summary>
    public long ParameterCount => Parameters().Sum(p => p.NumEl);

    /// <summary>The number of elements in parameters that require a gradient.</summary>
    public long TrainableParameterCount => Parameters().Where(p => p.RequiresGrad).Sum(p => p.NumEl);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ---------------------------------------------------------------- state dicts

    /// <summary>
    /// The parameters and buffers by dotted name, in PyTorch's order (each module's parameters, then its
    /// buffers, then its children). The tensors are the module's own (not copies): read or save them, do not
    /// dispose them; they stay valid until the module is disposed or moved with <see cref="To(Device)"/>.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var result = new OrderedDictionary<string, Tensor>();
        AddState(result, "");
        return result;
    }

    private void AddState(OrderedDictionary<string, Tensor> into, string prefix)
    {
        foreach (var kv in _parameters)
        {
            if (kv.Value is not null)
            {
                into[Join(prefix, kv.Key)] = kv.Value;
            }
        }
        foreach (var kv in _buffers)
        {
            if (kv.Value is not null)
            {
                into[Join(prefix, kv.Key)] = kv.Value;
            }
        }
        foreach (var kv in _modules)
        {
            kv.Value.AddState(into, Join(prefix, kv.Key));
        }
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into this module's parameters and buffers, in place
    /// (tensors keep their identity, so an optimizer built earlier still holds them), converting dtype and
    /// device as <c>copy_</c> does.
    /// </summary>
    /// <param name="stateDict">Tensors by dotted name, e.g. from <see cref="StateDict"/> or a safetensors file.</param>
    /// <param name="strict">When true (the default), a missing or unexpected key is an error, as in PyTorch.</param>
    /// <returns>The keys that were missing from the dict and the keys the module does not have.</returns>
    /// <exception cref="InvalidOperationException">
    /// Lists every problem at once: missing keys and unexpected keys (when strict) and every shape mismatch,
    /// naming the key and both shapes. Nothing is copied when an error is thrown.
    /// </exception>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateDict();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var errors = new List<string>();
        if (strict && missing.Count > 0)
        {
            errors.Add("Missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")) + ".");
        }
        if (strict && unexpected.Count > 0)
        {
            errors.Add("Unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")) + ".");
        }
        foreach (var (key, target) in own)
        {
            if (stateDict.TryGetValue(key, out var source))
            {
                var from = source.Shape;
                var to = target.Shape;
                if (!from.AsSpan().SequenceEqual(to))
                {
                    errors.Add($"size mismatch for {key}: copying a tensor with shape {Tensor.FormatShape(from)} from the state dict, the shape in the current model is {Tensor.FormatShape(to)}.");
                }
            }
        }
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Error(s) in loading state_dict for {TypeName}:\n\t" + string.Join("\n\t", errors));
        }
        using (Torch.NoGrad())
        {
            foreach (var (key, target) in own)
            {
                if (stateDict.TryGetValue(key, out var source))
                {
                    target.Copy_(source);
                }
            }
        }
        return new LoadStateDictResult(missing, unexpected);
    }

    // ---------------------------------------------------------------- modes, devices, gradients

    /// <summary>Sets training mode on this module and every descendant (dropout active); returns this module.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var (_, m) in NamedModules())
        {
            m.IsTraining = mode;
        }
        return this;
    }

    /// <summary>Sets evaluation mode (dropout off) on this module and every descendant; returns this module.</summary>
    public Module Eval() => Train(false);

    /// <summary>Moves every parameter and buffer to <paramref name="device"/> (replacing the tensors); returns this module.</summary>
    public Module To(Device device) => Apply(t => t.To(device), floatingOnly: false);

    /// <summary>Converts every floating-point parameter and buffer to <paramref name="dtype"/>; returns this module.</summary>
    public Module To(DType dtype)
    {
        if (!dtype.IsFloatingPoint())
        {
            throw new ArgumentException($"modules can only be converted to floating-point dtypes, not {dtype.TorchName()}", nameof(dtype));
        }
        return Apply(t => t.To(dtype), floatingOnly: true);
    }

    private Module Apply(Func<Tensor, Tensor> convert, bool floatingOnly)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var outside = TensorScope.Outside();
        foreach (var (_, m) in NamedModules())
        {
            foreach (var table in new[] { m._parameters, m._buffers })
            {
                bool isParameter = ReferenceEquals(table, m._parameters);
                foreach (var key in table.Keys.ToList())
                {
                    var old = table[key];
                    if (old is null || (floatingOnly && !old.DType.IsFloatingPoint()))
                    {
                        continue;
                    }
                    bool requiresGrad = isParameter && old.RequiresGrad;
                    Tensor moved;
                    using (Torch.NoGrad())
                    {
                        moved = convert(old);
                    }
                    if (requiresGrad)
                    {
                        moved.RequiresGrad = true;
                    }
                    table[key] = moved;
                    old.Dispose();
                }
            }
        }
        return this;
    }

    /// <summary>
    /// Clears the gradients of every parameter: drops them (<paramref name="setToNone"/>, the default, as
    /// PyTorch 2 does) or fills them with zeros (PyTorch 1.13's default).
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            Gradients.Clear(p, setToNone);
        }
    }

    // ---------------------------------------------------------------- disposal

    /// <summary>True once the module was disposed.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Frees every parameter and buffer of this module and its descendants.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the tensors; subclasses holding other native state override and call the base.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!disposing)
        {
            return;
        }
        foreach (var t in _parameters.Values.Concat(_buffers.Values))
        {
            t?.Dispose();
        }
        foreach (var m in _modules.Values)
        {
            m.Dispose();
        }
    }

    /// <summary>A one-line summary: type and parameter count.</summary>
    public override string ToString() => _disposed ? $"{TypeName}(disposed)" : $"{TypeName}({ParameterCount:N0} parameters)";
}

/// <summary>What <see cref="Module.LoadStateDict"/> did not match (empty lists after a strict load).</summary>
/// <param name="MissingKeys">Keys of the module that the state dict did not have.</param>
/// <param name="UnexpectedKeys">Keys of the state dict that the module does not have.</param>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
