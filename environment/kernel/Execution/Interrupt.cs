namespace Diffusion.Kernel.Execution;

/// <summary>
/// The running cell's cancellation: interrupt_request (control socket) and SIGINT cancel it.
/// Loops in cells are rewritten to call <see cref="Check"/>, so even loops that ignore the token stop.
/// </summary>
public static class Interrupt
{
    private static CancellationTokenSource _current = new();

    /// <summary>The token of the cell now running.</summary>
    public static CancellationToken Token => _current.Token;

    /// <summary>Throws <see cref="OperationCanceledException"/> when the running cell was interrupted.</summary>
    public static void Check() => _current.Token.ThrowIfCancellationRequested();

    /// <summary>Starts a new cell with a fresh token.</summary>
    internal static CancellationToken Begin()
    {
        _current = new CancellationTokenSource();
        return _current.Token;
    }

    /// <summary>Interrupts the running cell.</summary>
    internal static void Fire()
    {
        try
        {
            _current.Cancel();
        }
        catch (AggregateException)
        {
            // A callback registered by user code threw; the token is cancelled regardless.
        }
    }
}
