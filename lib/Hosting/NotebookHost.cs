namespace Diffusion.Hosting;

/// <summary>
/// The bridge between the library and whatever host runs it (the course's Jupyter kernel, a console).
/// The library never references the kernel: the kernel finds this type by name when the library is loaded
/// and sets its properties by reflection. Outside a notebook they keep their console defaults.
/// </summary>
/// <remarks>
/// Contract with the kernel (environment/kernel): before each cell it sets <see cref="Display"/> and
/// <see cref="Cancellation"/>. Objects that can render themselves offer a public instance method
/// <c>IReadOnlyDictionary&lt;string, string&gt; ToMimeBundle()</c> (always with <c>text/plain</c>).
/// </remarks>
public static class NotebookHost
{
    /// <summary>
    /// Shows an object in the notebook and returns a function that replaces that same output with a new
    /// object (Jupyter's <c>display_data</c> then <c>update_display_data</c>); null outside a notebook.
    /// </summary>
    public static Func<object, Action<object>>? Display { get; set; }

    /// <summary>Cancelled when the user interrupts the running cell; long loops observe it.</summary>
    public static CancellationToken Cancellation { get; set; }

    /// <summary>True inside a notebook (a host installed <see cref="Display"/>).</summary>
    public static bool IsNotebook => Display is not null;

    /// <summary>Throws <see cref="OperationCanceledException"/> when the cell was interrupted or <paramref name="token"/> cancelled.</summary>
    public static void ThrowIfCancelled(CancellationToken token = default)
    {
        token.ThrowIfCancellationRequested();
        Cancellation.ThrowIfCancellationRequested();
    }
}
