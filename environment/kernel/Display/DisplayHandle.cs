namespace Diffusion.Kernel.Display;

/// <summary>Publishes display_data and update_display_data (implemented by the kernel).</summary>
internal interface IDisplaySink
{
    /// <summary>Shows a value as a new output with a fresh display id.</summary>
    void Show(object? value, string displayId);

    /// <summary>Replaces the output with that display id.</summary>
    void Update(object? value, string displayId);

    /// <summary>Clears the cell's outputs so far; with <paramref name="wait"/>, only when the next output arrives.</summary>
    void Clear(bool wait);
}

/// <summary>An output shown by <c>display(x)</c>; <see cref="Update"/> replaces it in place.</summary>
public sealed class DisplayHandle
{
    private readonly IDisplaySink _sink;

    internal DisplayHandle(IDisplaySink sink, string displayId)
    {
        _sink = sink;
        DisplayId = displayId;
    }

    /// <summary>Jupyter's transient display_id of this output.</summary>
    public string DisplayId { get; }

    /// <summary>Replaces this output with <paramref name="value"/> (update_display_data).</summary>
    public void Update(object? value) => _sink.Update(value, DisplayId);

    /// <inheritdoc/>
    public override string ToString() => $"DisplayHandle({DisplayId})";

    internal static DisplayHandle Show(IDisplaySink sink, object? value)
    {
        var handle = new DisplayHandle(sink, Guid.NewGuid().ToString("N"));
        sink.Show(value, handle.DisplayId);
        return handle;
    }
}
