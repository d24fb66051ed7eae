using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Optim;

/// <summary>
/// The base of gradient-descent optimizers (<c>torch.optim.Optimizer</c>) over one group of named parameters.
/// Its state (moment estimates, step counts) lives in tensors it owns, created outside any
/// <see cref="TensorScope"/> and freed by <see cref="Dispose"/>; every <see cref="Step"/> runs in a scope of its own,
/// so a training loop stays in flat memory.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<(string Name, Tensor Parameter)> _parameters;
    private double _learningRate;
    private bool _disposed;

    /// <summary>An optimizer over <paramref name="parameters"/> (names key the state dict).</summary>
    protected Optimizer(IEnumerable<(string Name, Tensor Parameter)> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToList();
        if (_parameters.Count == 0)
        {
            throw new ArgumentException("the optimizer got an empty parameter list", nameof(parameters));
        }
        var duplicate = _parameters.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"the parameter name '{duplicate.Key}' appears twice", nameof(parameters));
        }
        LearningRate = learningRate;
    }

    /// <summary>Names parameters <c>0</c>, <c>1</c>, ... as PyTorch's optimizer state dict does.</summary>
    protected static IEnumerable<(string Name, Tensor Parameter)> Numbered(IEnumerable<Tensor> parameters) =>
        parameters.Select((p, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), p));

    /// <summary>The named parameters this optimizer updates.</summary>
    public IReadOnlyList<(string Name, Tensor Parameter)> NamedParameters => _parameters;

    /// <summary>The learning rate of the next <see cref="Step"/> (schedules such as <see cref="LinearWarmup"/> set it).</summary>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "the learning rate must be a finite number >= 0");
            }
            _learningRate = value;
        }
    }

    /// <summary>Steps taken so far.</summary>
    public long StepCount { get; protected set; }

    /// <summary>
    /// Updates every parameter that has a gradient from that gradient (parameters without one are skipped,
    /// as in PyTorch), without recording the update for autograd.
    /// </summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        StepCount++;
        using var scope = new TensorScope();
        using var noGrad = Torch.NoGrad();
        foreach (var (name, p) in _parameters)
        {
            var grad = p.Grad;
            if (grad is null)
            {
                continue;
            }
            Update(name, p, grad);
        }
    }

    /// <summary>Updates one parameter; runs inside a scope and without gradient tracking.</summary>
    /// <param name="name">The parameter's name (the key of its state).</param>
    /// <param name="parameter">The parameter, changed in place.</param>
    /// <param name="grad">Its gradient (owned by the step's scope; do not change it in place).</param>
    protected abstract void Update(string name, Tensor parameter, Tensor grad);

    /// <summary>Clears the gradients of every parameter (drops them, or zeroes them when <paramref name="setToNone"/> is false).</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var (_, p) in _parameters)
        {
            Gradients.Clear(p, setToNone);
        }
    }

    /// <summary>
    /// The optimizer state by key (<c>{parameter}.{state}</c>, e.g. <c>down.0.conv1.weight.exp_avg</c>), for
    /// checkpoints. The tensors are the optimizer's own: save them, do not dispose them.
    /// </summary>
    public abstract OrderedDictionary<string, Tensor> StateDict();

    /// <summary>Restores state saved by <see cref="StateDict"/> (copied in place); throws naming missing keys or shape mismatches.</summary>
    public abstract void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict);

    /// <summary>Frees the optimizer's state tensors (not the parameters).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        DisposeState();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the state tensors.</summary>
    protected abstract void DisposeState();
}
