using System.Diagnostics;
using System.Globalization;

namespace Diffusion.Cli;

/// <summary>
/// Progress of a table's rows, one line per finished unit of work between the rows it prints (a redrawn bar would be
/// overwritten by them): <c>evaluate: 3/12 rows done, 02:10 elapsed, about 06:30 left</c>, the time left estimated from the
/// mean time per unit so far.
/// </summary>
/// <param name="label">The prefix, e.g. <c>evaluate</c>.</param>
/// <param name="total">The number of units.</param>
/// <param name="unit">What a unit is, plural (e.g. <c>rows</c>).</param>
internal sealed class WorkProgress(string label, int total, string unit)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _done;

    /// <summary>One more unit done: prints the line.</summary>
    public void Step(int units = 1)
    {
        _done = Math.Min(total, _done + units);
        double elapsed = _clock.Elapsed.TotalSeconds;
        double left = _done > 0 ? elapsed / _done * (total - _done) : double.NaN;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {_done}/{total} {unit} done, {Format(elapsed)} elapsed{(_done < total ? $", about {Format(left)} left" : "")}"));
    }

    /// <summary>h:mm:ss or mm:ss.</summary>
    public static string Format(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes:00}:{t.Seconds:00}");
    }
}
