using Diffusion.Hosting;

namespace Diffusion.Cli;

/// <summary>
/// A progress bar for a run whose length is known as a fraction (sampling in batches, an adaptive ODE): per mille steps, with
/// the elapsed time, the time left estimated from the rate so far, and the rate (<see cref="ProgressBar"/>). On a terminal it
/// redraws one line; in a log it writes a line every 10 %.
/// </summary>
internal sealed class FractionProgress : IDisposable
{
    private const int Steps = 1000;
    private readonly ProgressBar _bar;

    /// <summary>A bar labelled <paramref name="label"/>.</summary>
    public FractionProgress(string label) => _bar = new ProgressBar(Steps, label);

    /// <summary>Reports <paramref name="fraction"/> of the run done (clamped to [0, 1]; never moves back).</summary>
    public void Report(double fraction)
    {
        long step = (long)Math.Floor(Math.Clamp(fraction, 0, 1) * Steps);
        if (step > _bar.Current)
        {
            _bar.Report(step);
        }
    }

    /// <summary>The report callback, for the library's <c>progress</c> parameters.</summary>
    public Action<double> Callback => Report;

    /// <summary>Ends the bar's line.</summary>
    public void Dispose() => _bar.Complete();
}
