namespace Diffusion.Tensors;

public static partial class Torch
{
    /// <summary>
    /// Whether autograd records operations on this thread (libtorch's grad mode is thread-local; it starts enabled).
    /// </summary>
    public static bool IsGradEnabled => NativeMethods.dt_is_grad_enabled() != 0;

    /// <summary>
    /// Disables gradient recording on this thread until the guard is disposed (<c>with torch.no_grad():</c>): results
    /// computed meanwhile do not require grad and keep no graph, which saves memory in sampling loops. Disposing restores
    /// the mode that was in force before, so guards nest.
    /// <code>
    /// using (Torch.NoGrad())
    /// {
    ///     x = sampler.Step(model, x, t);
    /// }
    /// </code>
    /// </summary>
    public static IDisposable NoGrad() => new GradModeGuard(enabled: false);

    /// <summary>Enables gradient recording on this thread until the guard is disposed (<c>torch.enable_grad()</c>), e.g. inside a <see cref="NoGrad"/> block.</summary>
    public static IDisposable EnableGrad() => new GradModeGuard(enabled: true);

    /// <summary>Sets the grad mode for this thread and restores the previous one on dispose.</summary>
    private sealed class GradModeGuard : IDisposable
    {
        private readonly bool _previous;
        private readonly int _threadId;
        private bool _disposed;

        internal GradModeGuard(bool enabled)
        {
            _previous = NativeMethods.dt_is_grad_enabled() != 0;
            _threadId = Environment.CurrentManagedThreadId;
            NativeMethods.dt_set_grad_enabled(enabled ? 1 : 0);
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }
            if (Environment.CurrentManagedThreadId != _threadId)
            {
                throw new InvalidOperationException("A grad-mode guard (Torch.NoGrad / Torch.EnableGrad) must be disposed on the thread that created it: the mode is thread-local.");
            }
            _disposed = true;
            NativeMethods.dt_set_grad_enabled(_previous ? 1 : 0);
        }
    }
}
