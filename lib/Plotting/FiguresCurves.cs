using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Diffusion.Plotting;

public static partial class Figures
{
    /// <summary>
    /// Lines on one set of axes, e.g. KL(p(x_t) ‖ N(0, I)) along t for several starts, on optional log axes.
    /// </summary>
    /// <param name="curves">The lines, drawn in order.</param>
    /// <param name="xTitle">The x axis title.</param>
    /// <param name="yTitle">The y axis title.</param>
    /// <param name="logX">Logarithmic x axis, every tick labelled in full (<see cref="ChartStyle.WithLogAxis"/>; values must be positive).</param>
    /// <param name="logY">Logarithmic y axis, likewise.</param>
    /// <param name="markers">Mark every value (useful for a few measured points).</param>
    /// <param name="title">An optional title.</param>
    public static GenericChart Curves(IEnumerable<Curve> curves, string? xTitle = null, string? yTitle = null, bool logX = false, bool logY = false, bool markers = false, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var lines = curves.Select(c => Line(c, markers)).ToList();
        if (lines.Count == 0)
        {
            throw new ArgumentException("give at least one curve", nameof(curves));
        }
        var chart = CSharpChart.Combine(lines).WithAxisTitles(xTitle, yTitle);
        if (logX)
        {
            chart = chart.WithLogAxis("x");
        }
        if (logY)
        {
            chart = chart.WithLogAxis("y");
        }
        return title is null ? chart : chart.WithTitle(title);
    }

    /// <summary>
    /// A training loss per step (light grey) with its trailing moving average over <paramref name="window"/> steps
    /// (crimson): <c>avg[i] = mean(loss[max(0, i − window + 1) .. i])</c>; with <paramref name="validation"/>, the loss on
    /// held-out data at some steps (markers), which shows whether the model only fits its training batches.
    /// </summary>
    /// <param name="losses">The loss of each step.</param>
    /// <param name="window">Steps in the moving average (1 draws the raw loss twice).</param>
    /// <param name="logY">Logarithmic y axis.</param>
    /// <param name="title">An optional title.</param>
    /// <param name="validation">(step, loss on held-out data) pairs, or null.</param>
    public static GenericChart LossCurve(IReadOnlyList<double> losses, int window = 100, bool logY = false, string? title = null,
        IReadOnlyList<(double Step, double Loss)>? validation = null)
    {
        ArgumentNullException.ThrowIfNull(losses);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        if (losses.Count == 0)
        {
            throw new ArgumentException("there is no loss to draw (0 steps)", nameof(losses));
        }
        var curves = new List<Curve>
        {
            new("loss per step", losses, Color: "lightgray"),
            new($"moving average ({window})", MovingAverage(losses, window), Color: "crimson"),
        };
        var chart = Curves(curves, xTitle: "step", yTitle: "loss", logY: logY, title: title);
        if (validation is { Count: > 0 })
        {
            var held = CSharpChart.Line<double, double, string>(validation.Select(v => v.Step).ToArray(), validation.Select(v => v.Loss).ToArray(),
                ShowMarkers: true, Name: "validation (held-out data)", LineColor: Color.fromString("#1f77b4"));
            chart = CSharpChart.Combine([chart, held]);
        }
        return chart;
    }

    /// <summary>The trailing mean over <paramref name="window"/> values (fewer at the start).</summary>
    internal static double[] MovingAverage(IReadOnlyList<double> values, int window)
    {
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window)
            {
                sum -= values[i - window];
            }
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }

    private static GenericChart Line(Curve curve, bool markers)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(curve.Y);
        var x = curve.X ?? Enumerable.Range(0, curve.Y.Count).Select(i => (double)i).ToArray();
        SameLength(x.Count, curve.Y.Count, $"curve '{curve.Name}'");
        return CSharpChart.Line<double, double, string>(
            x, curve.Y, ShowMarkers: markers, Name: curve.Name, LineColor: ColorOf(curve.Color),
            LineDash: curve.Dashed ? StyleParam.DrawingStyle.Dash : default(Plotly.NET.CSharp.Optional<StyleParam.DrawingStyle>));
    }
}
