using System.Globalization;
using Diffusion.Hosting;
using Plotly.NET;

namespace Diffusion.Plotting;

public static partial class Figures
{
    /// <summary>
    /// Shows <paramref name="chart"/>: in a notebook as an output (the same as ending a cell with the chart); elsewhere
    /// writes an offline HTML page to a temporary file and prints its path. Use it instead of Plotly.NET's <c>Show()</c>,
    /// which opens a browser on a page that loads plotly.js from a CDN.
    /// </summary>
    public static void Show(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        Show(chart, () => ChartHtml.Page(chart), ChartSummary.Of(chart).ToString());
    }

    /// <summary>Shows an animation as <see cref="Show(GenericChart)"/> shows a chart.</summary>
    public static void Show(AnimatedChart animation)
    {
        ArgumentNullException.ThrowIfNull(animation);
        Show(animation, animation.ToHtmlPage, animation.ToString());
    }

    /// <summary>Writes <paramref name="chart"/> as a self-contained HTML page (plotly.js inlined, no network); returns the full path.</summary>
    public static string SaveHtml(GenericChart chart, string path) => ChartHtml.Save(chart, path);

    private static void Show(object value, Func<string> page, string description)
    {
        if (NotebookHost.Display is { } display)
        {
            display(value);
            return;
        }
        var path = Path.Combine(Path.GetTempPath(), "figure-" + DateTime.Now.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture) + ".html");
        Console.WriteLine($"{description} saved to {ChartHtml.Save(page(), path)}");
    }
}
