namespace Diffusion.Hosting;

/// <summary>
/// The bridge between the library and whatever host runs it: the course's Jupyter kernel, .NET Interactive, or a console.
/// The library references neither kernel. The course kernel finds this type by name when the library is loaded and sets its
/// properties by reflection; under .NET Interactive they reach it by reflection (<see cref="DotNetInteractiveHost"/>);
/// elsewhere they keep their console defaults.
/// </summary>
/// <remarks>
/// Contract with the course kernel (environment/kernel): before each cell it sets <see cref="Display"/> and
/// <see cref="Cancellation"/>. Objects that can render themselves offer a public instance method
/// <c>IReadOnlyDictionary&lt;string, string&gt; ToMimeBundle()</c> (always with <c>text/plain</c>); under .NET Interactive they
/// also render as a cell's value or with its <c>display(x)</c> when they carry
/// <c>[TypeFormatterSource(typeof(MimeBundleFormatterSource))]</c>.
/// </remarks>
public static class NotebookHost
{
    private static Func<object, Action<object>>? _display;
    private static CancellationToken _cancellation;

    /// <summary>
    /// Shows an object in the notebook and returns a function that replaces that same output with a new
    /// object (Jupyter's <c>display_data</c> then <c>update_display_data</c>); null outside a notebook.
    /// Set by the course kernel; under .NET Interactive it publishes through <see cref="DotNetInteractiveHost"/>.
    /// </summary>
    public static Func<object, Action<object>>? Display
    {
        get => _display ?? (DotNetInteractiveHost.Current is { } host ? host.Display : null);
        set => _display = value;
    }

    /// <summary>
    /// Cancelled when the user interrupts the running cell; long loops observe it. Set by the course kernel; under
    /// .NET Interactive it is the running cell's token.
    /// </summary>
    public static CancellationToken Cancellation
    {
        get => _cancellation.CanBeCanceled ? _cancellation : DotNetInteractiveHost.Current?.Cancellation ?? default;
        set => _cancellation = value;
    }

    /// <summary>True inside a notebook (a host installed <see cref="Display"/>, or .NET Interactive runs the process).</summary>
    public static bool IsNotebook => Display is not null;

    /// <summary>Throws <see cref="OperationCanceledException"/> when the cell was interrupted or <paramref name="token"/> cancelled.</summary>
    public static void ThrowIfCancelled(CancellationToken token = default)
    {
        token.ThrowIfCancellationRequested();
        Cancellation.ThrowIfCancellationRequested();
    }
}
