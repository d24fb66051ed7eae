using Diffusion.Kernel.Display;

namespace Diffusion.Kernel.Execution;

/// <summary>The globals every cell sees: <c>display(x)</c>, <c>HTML(text)</c>, <c>clear_output()</c> and <c>Cancellation</c>.</summary>
public sealed class KernelGlobals
{
    private readonly IDisplaySink _sink;

    internal KernelGlobals(IDisplaySink sink)
    {
        _sink = sink;
    }

    /// <summary>Cancelled when the user interrupts the running cell.</summary>
    public CancellationToken Cancellation => Interrupt.Token;

    /// <summary>Shows <paramref name="value"/> below the cell; the handle's Update replaces it.</summary>
#pragma warning disable IDE1006 // lower case, as Jupyter users know it from Python
    public DisplayHandle display(object? value) => DisplayHandle.Show(_sink, value);

    /// <summary>HTML text that shows as HTML (for example a Plotly.NET chart's <c>GenericChart.toChartHTML</c>).</summary>
    public HtmlContent HTML(string html) => new(html);

    /// <summary>
    /// Clears this cell's outputs (Jupyter's clear_output message); with <paramref name="wait"/> the client clears only when
    /// the next output arrives, which avoids flicker in a loop that redraws.
    /// </summary>
    public void clear_output(bool wait = false) => _sink.Clear(wait);
#pragma warning restore IDE1006
}
