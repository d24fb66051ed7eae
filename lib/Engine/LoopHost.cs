namespace Diffusion.Engine;

/// <summary>A progress display for a loop of known length (a console line, or a notebook output updated in place).</summary>
public interface ILoopProgress : IDisposable
{
    /// <summary>Shows that <paramref name="step"/> of the loop's steps are done, with the last loss when there is one.</summary>
    void Report(long step, double? loss = null);
}

/// <summary>
/// What long loops (the samplers, the training loops) need from whatever host runs them: a progress display and the host's own
/// cancellation (a notebook's interrupt). The algorithms use this and never the notebook layer: <c>Diffusion.Hosting</c> installs
/// its progress bar and the running cell's cancellation here when the library loads. Until something is installed a loop shows no
/// progress and only its own token cancels it.
/// </summary>
public static class LoopHost
{
    private static Func<long, string, ILoopProgress>? s_progress;
    private static Func<CancellationToken>? s_cancellation;

    /// <summary>Installs the host's progress display and cancellation (the hosting layer does, once; a later call replaces both).</summary>
    /// <param name="progress">Makes a display for a loop of (total steps, label).</param>
    /// <param name="cancellation">The host's current cancellation (read at every step, so it may change from cell to cell).</param>
    public static void Install(Func<long, string, ILoopProgress> progress, Func<CancellationToken> cancellation)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(cancellation);
        s_progress = progress;
        s_cancellation = cancellation;
    }

    /// <summary>The host's cancellation now (none when nothing is installed).</summary>
    public static CancellationToken Cancellation => s_cancellation?.Invoke() ?? default;

    /// <summary>Throws <see cref="OperationCanceledException"/> when <paramref name="token"/> or the host (a notebook interrupt) cancelled.</summary>
    public static void ThrowIfCancelled(CancellationToken token = default)
    {
        token.ThrowIfCancellationRequested();
        Cancellation.ThrowIfCancellationRequested();
    }

    /// <summary>A progress display for <paramref name="total"/> steps labelled <paramref name="label"/>, or null when the host has none.</summary>
    public static ILoopProgress? Progress(long total, string label) => total > 0 ? s_progress?.Invoke(total, label) : null;
}
