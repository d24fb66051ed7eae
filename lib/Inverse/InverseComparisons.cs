using System.Text.Json.Serialization;
using Diffusion.Metrics;

namespace Diffusion.Inverse;

/// <summary>A column of the inverse-problem table, and which way is better (written by name in JSON).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InverseMetric>))]
public enum InverseMetric
{
    /// <summary>PSNR (dB): higher is better.</summary>
    Psnr,

    /// <summary>SSIM: higher is better.</summary>
    Ssim,

    /// <summary>Feature distance: lower is better.</summary>
    FeatureDistance,
}

/// <summary>One paired comparison of two methods of one task on one metric.</summary>
/// <param name="Task">The task ("inpainting", "deblurring").</param>
/// <param name="Metric">The column compared.</param>
/// <param name="Comparison">The paired bootstrap of mean(first − second) over the same digits.</param>
/// <param name="Better">The better method (by the metric's direction) when the interval excludes 0; null when the digits do not decide.</param>
public sealed record InverseComparison(string Task, InverseMetric Metric, PairedComparison Comparison, string? Better);

/// <summary>
/// The ordering verdicts of the inverse-problem table: for every pair of methods of a task, the paired percentile bootstrap of the
/// mean difference of a per-digit metric (<see cref="BootstrapDifference.Paired"/>), with a verdict only where its interval excludes 0.
/// </summary>
/// <remarks>
/// Rows must carry per-digit values (<see cref="InverseEvaluation.Run"/> fills them) for the same digits in the same order; pairs are
/// taken in table order (first before second), so mean(first − second) &gt; 0 means the earlier row scored higher.
/// </remarks>
public static class InverseComparisons
{
    /// <summary>The per-digit values of <paramref name="row"/> for <paramref name="metric"/> (throws when the row has none).</summary>
    public static IReadOnlyList<double> PerImage(InverseRow row, InverseMetric metric)
    {
        ArgumentNullException.ThrowIfNull(row);
        var values = metric switch
        {
            InverseMetric.Psnr => row.PsnrPerImage,
            InverseMetric.Ssim => row.SsimPerImage,
            InverseMetric.FeatureDistance => row.FeatureDistancePerImage,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric"),
        };
        return values ?? throw new ArgumentException($"row {row.Task} {row.Method} has no per-digit {metric} values: rows from InverseEvaluation.Run carry them", nameof(row));
    }

    /// <summary>True when a higher value of <paramref name="metric"/> is better.</summary>
    public static bool HigherIsBetter(InverseMetric metric) => metric != InverseMetric.FeatureDistance;

    /// <summary>
    /// Every pair of methods within each task of <paramref name="rows"/>, for each of <paramref name="metrics"/> (null: all three),
    /// by paired bootstrap with <paramref name="resamples"/> resamples at <paramref name="level"/>, seeded <paramref name="seed"/>.
    /// </summary>
    public static IReadOnlyList<InverseComparison> Pairwise(IReadOnlyList<InverseRow> rows, IEnumerable<InverseMetric>? metrics = null,
        int resamples = Bootstrap.DefaultResamples, double level = Bootstrap.DefaultLevel, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var wanted = (metrics ?? Enum.GetValues<InverseMetric>()).ToList();
        var result = new List<InverseComparison>();
        foreach (var task in rows.GroupBy(r => r.Task))
        {
            var taskRows = task.ToList();
            foreach (var duplicate in taskRows.GroupBy(r => r.Method).Where(g => g.Count() > 1))
            {
                throw new ArgumentException($"task {task.Key} has {duplicate.Count()} rows for {duplicate.Key}; give one row per method and task", nameof(rows));
            }
            foreach (var metric in wanted)
            {
                for (int i = 0; i < taskRows.Count; i++)
                {
                    for (int j = i + 1; j < taskRows.Count; j++)
                    {
                        result.Add(Compare(taskRows[i], taskRows[j], metric, resamples, level, seed));
                    }
                }
            }
        }
        return result;
    }

    /// <summary>The paired comparison of two rows of one task on one metric.</summary>
    public static InverseComparison Compare(InverseRow first, InverseRow second, InverseMetric metric, int resamples = Bootstrap.DefaultResamples,
        double level = Bootstrap.DefaultLevel, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Task != second.Task)
        {
            throw new ArgumentException($"{first.Method} ({first.Task}) and {second.Method} ({second.Task}) are rows of different tasks: a paired comparison needs the same digits", nameof(second));
        }
        var comparison = BootstrapDifference.Paired(PerImage(first, metric), PerImage(second, metric), resamples, level, seed, first.Method, second.Method);
        string? better = comparison.Verdict switch
        {
            PairedVerdict.FirstHigher => HigherIsBetter(metric) ? first.Method : second.Method,
            PairedVerdict.SecondHigher => HigherIsBetter(metric) ? second.Method : first.Method,
            _ => null,
        };
        return new InverseComparison(first.Task, metric, comparison, better);
    }
}
