namespace Diffusion.Tensors;

/// <summary>
/// Frees, when disposed, every tensor created on this thread while it was the innermost scope, except the
/// ones passed to <see cref="Keep(Tensor)"/>, which move to the enclosing scope (or to no scope). This keeps
/// training and sampling loops in flat native memory:
/// <code>
/// for (int step = 0; step &lt; steps; step++)
/// {
///     using var scope = new TensorScope();
///     var loss = model.Loss(batch);      // every temporary is freed at the end of the iteration
///     x = scope.Keep(next);              // except what the next iteration needs
/// }
/// </code>
/// Scopes nest and must be disposed in reverse order of creation (a <c>using</c> does that).
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? t_current;

    private readonly TensorScope? _parent;
    private readonly List<Tensor> _owned = new();
    private bool _disposed;

    /// <summary>Opens a scope; it becomes the innermost scope of this thread.</summary>
    public TensorScope()
    {
        _parent = t_current;
        t_current = this;
    }

    private TensorScope(TensorScope? parent, bool suspended)
    {
        _parent = parent;
        _suspended = suspended;
        t_current = null;
    }

    private readonly bool _suspended;

    /// <summary>The innermost open scope of this thread, or null.</summary>
    public static TensorScope? Current => t_current;

    /// <summary>Tensors this scope will free.</summary>
    public int Count => _owned.Count(t => ReferenceEquals(t.Owner, this) && !t.IsDisposed);

    /// <summary>
    /// Suspends scoping on this thread until the returned guard is disposed: tensors created meanwhile
    /// belong to no scope (module parameters, optimizer state, caches that outlive a loop).
    /// </summary>
    public static IDisposable Outside() => new TensorScope(t_current, suspended: true);

    /// <summary>Keeps <paramref name="tensor"/> alive past this scope by moving it to the enclosing one.</summary>
    public Tensor Keep(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (ReferenceEquals(tensor.Owner, this))
        {
            tensor.Owner = null;
            _parent?.Adopt(tensor);
        }
        return tensor;
    }

    /// <summary>Keeps several tensors (see <see cref="Keep(Tensor)"/>).</summary>
    public void Keep(params Tensor[] tensors)
    {
        foreach (var t in tensors)
        {
            Keep(t);
        }
    }

    internal void Adopt(Tensor tensor)
    {
        tensor.Owner = this;
        _owned.Add(tensor);
    }

    /// <summary>Frees the tensors this scope owns and makes the enclosing scope current again.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_suspended)
        {
            t_current = _parent;
            return;
        }
        if (!ReferenceEquals(t_current, this))
        {
            throw new InvalidOperationException("TensorScopes must be disposed in the reverse order of their creation, on the thread that opened them (use 'using var scope = new TensorScope();').");
        }
        t_current = _parent;
        foreach (var t in _owned)
        {
            if (ReferenceEquals(t.Owner, this))
            {
                t.Owner = null;
                t.Dispose();
            }
        }
        _owned.Clear();
    }
}
