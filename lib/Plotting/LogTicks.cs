using System.Globalization;

namespace Diffusion.Plotting;

/// <summary>
/// Tick values and labels for a logarithmic axis, every one written in full: plotly's own log axis labels the minor ticks
/// with a single digit ("2", "5") and, over less than a decade or so, labels 541 as "5". These ticks are 1·10^k over
/// two decades or more, 1, 2, 5·10^k over one or two, 1, 2, 3, 5, 7·10^k over half a decade to one, and finer below.
/// </summary>
public static class LogTicks
{
    /// <summary>The ticks for data from <paramref name="low"/> to <paramref name="high"/> (both positive).</summary>
    /// <exception cref="ArgumentException">A bound is not positive and finite, or <paramref name="low"/> &gt; <paramref name="high"/>.</exception>
    public static (double[] Values, string[] Labels) For(double low, double high)
    {
        if (!(low > 0 && double.IsFinite(low) && high > 0 && double.IsFinite(high) && low <= high))
        {
            throw new ArgumentException($"a log axis needs 0 < low ≤ high, got [{low}, {high}]; leave zeros and negative values out of log-scale data");
        }
        double decades = Math.Log10(high / low);
        double[] multipliers = decades >= 2 ? [1] : decades >= 1 ? [1, 2, 5] : decades >= 0.5 ? [1, 2, 3, 5, 7] : [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9];
        int step = decades > 8 ? (int)Math.Ceiling(decades / 8) : 1;   // at most about eight labelled decades
        var values = new List<double>();
        // Ticks may reach a little beyond the data (plotly pads the range); the labels stay inside what is drawn.
        double lo = low / 1.2, hi = high * 1.2;
        for (int k = (int)Math.Floor(Math.Log10(lo)); k <= (int)Math.Ceiling(Math.Log10(hi)); k++)
        {
            if (k % step != 0)
            {
                continue;
            }
            foreach (double m in multipliers)
            {
                double v = m * Math.Pow(10, k);
                if (v >= lo && v <= hi)
                {
                    values.Add(double.Parse(v.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
                }
            }
        }
        if (values.Count < 2)
        {
            values = [Round(low), Round(high)];
            values = values.Distinct().ToList();
        }
        return (values.ToArray(), values.Select(Label).ToArray());
    }

    /// <summary>A tick label in full: "0.001", "20", "500", "2000", "1e-05" below 0.001, "1e+06" from a million on.</summary>
    public static string Label(double value) =>
        value is >= 1e-3 and < 1e6 ? value.ToString("0.######", CultureInfo.InvariantCulture) : value.ToString("0.#e+00", CultureInfo.InvariantCulture);

    private static double Round(double v) => double.Parse(v.ToString("G2", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
