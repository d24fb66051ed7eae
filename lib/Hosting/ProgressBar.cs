using System.Globalization;
using System.Net;
using System.Text;
using Diffusion.Engine;

namespace Diffusion.Hosting;

/// <summary>
/// A progress bar for training loops. In a notebook it shows one output and updates it in place (at most every
/// 0.2 s); on a terminal it redraws one line with <c>\r</c> (at most every 0.1 s); when the output is redirected
/// (a log file, CI) it writes a line at every 10 %. Every report checks <see cref="NotebookHost.Cancellation"/>
/// and throws <see cref="OperationCanceledException"/> when the cell was interrupted.
/// </summary>
/// <example><code>
/// using var bar = new ProgressBar(steps, "train");
/// for (int i = 0; i &lt; steps; i++) { var loss = Step(); bar.Report(i + 1, loss); }
/// </code></example>
public sealed class ProgressBar : ILoopProgress
{
    private static readonly TimeSpan NotebookInterval = TimeSpan.FromSeconds(0.2);
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromSeconds(0.1);
    private const int LinePercentStep = 10;
    private const int BarWidth = 24;

    private readonly TimeProvider _time;
    private readonly CancellationToken _token;
    private readonly TextWriter? _writer;
    private readonly bool _terminal;
    private readonly Action<object>? _update;
    private readonly long _startTimestamp;
    private readonly SortedDictionary<string, double> _metrics = new(StringComparer.Ordinal);
    private long _lastDrawTimestamp;
    private int _lastLinePercent = -1;
    private int _terminalWidth;
    private bool _drawnSinceChange;

    /// <summary>
    /// A bar for <paramref name="total"/> steps. It draws to the notebook when one is running, else to
    /// <paramref name="output"/> (default the console; <paramref name="terminal"/> null detects whether it is a terminal).
    /// </summary>
    /// <param name="total">The number of steps (positive).</param>
    /// <param name="label">Text before the bar.</param>
    /// <param name="output">Where console output goes (default <see cref="Console.Out"/>).</param>
    /// <param name="terminal">Redraw in place with <c>\r</c> (true) or write a line every 10 % (false); null: detect.</param>
    /// <param name="cancellation">Also stop when this token is cancelled.</param>
    /// <param name="time">The clock (tests pass a fake one).</param>
    public ProgressBar(long total, string label = "", TextWriter? output = null, bool? terminal = null,
        CancellationToken cancellation = default, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        Total = total;
        Label = label ?? "";
        _time = time ?? TimeProvider.System;
        _token = cancellation;
        _startTimestamp = _time.GetTimestamp();
        _lastDrawTimestamp = _startTimestamp;
        if (output is null && NotebookHost.Display is { } display)
        {
            _update = display(View());
            IsNotebook = true;
            DrawCount = 1;
        }
        else
        {
            _writer = output ?? Console.Out;
            _terminal = terminal ?? (output is null && !Console.IsOutputRedirected);
        }
        _drawnSinceChange = IsNotebook;
    }

    /// <summary>The number of steps.</summary>
    public long Total { get; }

    /// <summary>Text before the bar.</summary>
    public string Label { get; }

    /// <summary>Steps completed so far.</summary>
    public long Current { get; private set; }

    /// <summary>The latest loss reported (shown as <c>loss=…</c>), or null.</summary>
    public double? Loss { get; private set; }

    /// <summary>True when the bar draws into a notebook output.</summary>
    public bool IsNotebook { get; }

    /// <summary>True once <see cref="Complete"/> (or <see cref="Dispose"/>) ran.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>How many times the bar was drawn (the throttling keeps this small).</summary>
    public int DrawCount { get; private set; }

    /// <summary>Time since the bar was created.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_startTimestamp);

    /// <summary>
    /// Records that <paramref name="step"/> steps are done (and the latest <paramref name="loss"/>), redrawing
    /// when the throttle allows; throws <see cref="OperationCanceledException"/> when the cell was interrupted.
    /// </summary>
    public void Report(long step, double? loss = null)
    {
        NotebookHost.ThrowIfCancelled(_token);
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "step must not be negative");
        }
        Current = Math.Min(step, Total);
        if (loss is double l)
        {
            Loss = l;
        }
        _drawnSinceChange = false;
        MaybeDraw(force: Current >= Total);
    }

    /// <summary>One more step done.</summary>
    public void Increment(double? loss = null) => Report(Current + 1, loss);

    /// <summary>Shows another named value after the loss (e.g. <c>Set("lr", 1e-4)</c>); drawn with the next update.</summary>
    public void Set(string name, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _metrics[name] = value;
        _drawnSinceChange = false;
    }

    /// <summary>Draws the final state and ends the console line. Safe to call twice.</summary>
    public void Complete()
    {
        if (IsCompleted)
        {
            return;
        }
        IsCompleted = true;
        if (!_drawnSinceChange || (!IsNotebook && !_terminal && _lastLinePercent < Percent))
        {
            Draw();
        }
        if (_writer is not null && _terminal)
        {
            _writer.WriteLine();
            _writer.Flush();
        }
    }

    /// <summary>Same as <see cref="Complete"/>.</summary>
    public void Dispose() => Complete();

    /// <summary>Percent done, 0…100 (rounded down).</summary>
    public int Percent => (int)(Current * 100 / Total);

    /// <summary>Steps per second since the start (0 before any step).</summary>
    public double Rate
    {
        get
        {
            double s = Elapsed.TotalSeconds;
            return s > 0 ? Current / s : 0;
        }
    }

    /// <summary>The one-line text, e.g. <c>train  45%|██████████▊             | 450/1000 [00:12&lt;00:15, 36.5 it/s, loss=0.0123]</c>.</summary>
    public string Text
    {
        get
        {
            var sb = new StringBuilder();
            if (Label.Length > 0)
            {
                sb.Append(Label).Append(' ');
            }
            sb.Append(CultureInfo.InvariantCulture, $"{Percent,3}%|{BarGlyphs()}| {Current}/{Total} [{Stats()}]");
            return sb.ToString();
        }
    }

    /// <summary>The notebook rendering of the current state: an HTML bar and the <see cref="Text"/> line.</summary>
    public IReadOnlyDictionary<string, string> ToMimeBundle() => View().ToMimeBundle();

    /// <summary>The current text.</summary>
    public override string ToString() => Text;

    private ProgressView View() => new(Label, Current, Total, Percent, Stats(), Text, IsCompleted);

    private void MaybeDraw(bool force)
    {
        long now = _time.GetTimestamp();
        if (!IsNotebook && !_terminal)
        {
            int p = Percent;
            if (_lastLinePercent < 0 || p / LinePercentStep > _lastLinePercent / LinePercentStep || (force && _lastLinePercent < p))
            {
                Draw();
            }
            return;
        }
        var interval = IsNotebook ? NotebookInterval : TerminalInterval;
        if (force || _time.GetElapsedTime(_lastDrawTimestamp, now) >= interval)
        {
            Draw();
        }
    }

    private void Draw()
    {
        _lastDrawTimestamp = _time.GetTimestamp();
        _drawnSinceChange = true;
        DrawCount++;
        if (_update is not null)
        {
            _update(View());
            return;
        }
        var text = Text;
        if (_terminal)
        {
            // Pad with spaces so a shorter line fully covers the previous one.
            var padded = text.Length < _terminalWidth ? text.PadRight(_terminalWidth) : text;
            _terminalWidth = text.Length;
            _writer!.Write("\r" + padded);
        }
        else
        {
            _lastLinePercent = Percent;
            _writer!.WriteLine(text);
        }
        _writer.Flush();
    }

    private string BarGlyphs()
    {
        // Eighth blocks give a smooth bar: ▏▎▍▌▋▊▉█.
        const string partial = " ▏▎▍▌▋▊▉";
        double filled = (double)Current / Total * BarWidth;
        int full = (int)filled;
        var sb = new StringBuilder(BarWidth);
        sb.Append('█', full);
        if (full < BarWidth)
        {
            sb.Append(partial[(int)((filled - full) * 8)]);
            sb.Append(' ', BarWidth - full - 1);
        }
        return sb.ToString();
    }

    private string Stats()
    {
        var elapsed = Elapsed;
        double rate = Rate;
        string eta = rate > 0 && Current < Total ? FormatTime(TimeSpan.FromSeconds((Total - Current) / rate)) : Current >= Total ? "00:00" : "?";
        string speed = rate >= 1 || rate == 0 ? string.Create(CultureInfo.InvariantCulture, $"{rate:0.0} it/s") : string.Create(CultureInfo.InvariantCulture, $"{1 / rate:0.00} s/it");
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{FormatTime(elapsed)}<{eta}, {speed}");
        if (Loss is double loss)
        {
            sb.Append(", loss=").Append(FormatValue(loss));
        }
        foreach (var (name, value) in _metrics)
        {
            sb.Append(", ").Append(name).Append('=').Append(FormatValue(value));
        }
        return sb.ToString();
    }

    private static string FormatValue(double v) => v.ToString(Math.Abs(v) is >= 1e-3 and < 1e4 or 0 ? "0.####" : "0.###e+0", CultureInfo.InvariantCulture);

    private static string FormatTime(TimeSpan t) =>
        t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes:00}:{t.Seconds:00}");
}

/// <summary>An immutable picture of a progress bar, handed to the notebook (it renders it with <see cref="ToMimeBundle"/>).</summary>
/// <param name="Label">Text before the bar.</param>
/// <param name="Current">Steps done.</param>
/// <param name="Total">All steps.</param>
/// <param name="Percent">Percent done.</param>
/// <param name="Stats">Elapsed, remaining, speed and metrics.</param>
/// <param name="Text">The one-line text form.</param>
/// <param name="Completed">Whether the bar was completed.</param>
public sealed record ProgressView(string Label, long Current, long Total, int Percent, string Stats, string Text, bool Completed)
{
    /// <summary><c>text/plain</c> (the text line) and <c>text/html</c> (a <c>progress</c> element with the numbers).</summary>
    public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string>
    {
        ["text/plain"] = Text,
        ["text/html"] = string.Create(CultureInfo.InvariantCulture,
            $"<div style=\"display:flex;align-items:center;gap:8px;font-family:monospace;font-size:13px\">" +
            $"<span>{WebUtility.HtmlEncode(Label)}</span>" +
            $"<progress value=\"{Current}\" max=\"{Total}\" style=\"width:320px;height:14px\"></progress>" +
            $"<span>{Percent}% {Current}/{Total} [{WebUtility.HtmlEncode(Stats)}]</span></div>"),
    };

    /// <summary>The text line.</summary>
    public override string ToString() => Text;
}
