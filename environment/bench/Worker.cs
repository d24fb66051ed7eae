using System.Diagnostics;
using System.Globalization;
using Diffusion.Engine;

namespace Diffusion.Bench;

/// <summary>
/// The C# side of the benchmark line protocol (environment/bench/interleave.py describes it; worker.py is the PyTorch side):
/// answers "warmup TASK" by running steps until the step time settles, "run TASK K" with K step times in ms, "quit" with the
/// peak RSS.
/// </summary>
internal static class Worker
{
    private const int SettleWindow = 3, SettleMinSteps = 6, SettleMaxSteps = 40;
    private const double SettleTolerance = 0.05;

    /// <summary>Serves <paramref name="tasks"/> (a task name to one step) until "quit"; returns the exit code.</summary>
    public static int Serve(IReadOnlyDictionary<string, Action> tasks, string description, Func<IReadOnlyDictionary<string, string>>? result = null)
    {
        Console.WriteLine($"ready {description}");
        string? line;
        while ((line = Console.ReadLine()) is not null)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }
            switch (words[0])
            {
                case "warmup":
                    var settled = Settle(tasks[words[1]]);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"settled {words[1]} after {settled.Count} steps, last {settled[^1]:F1} ms"));
                    break;
                case "run":
                    var times = Enumerable.Range(0, int.Parse(words[2], CultureInfo.InvariantCulture)).Select(_ => Timed(tasks[words[1]])).ToList();
                    Console.WriteLine($"times {words[1]} " + string.Join(' ', times.Select(t => t.ToString("F3", CultureInfo.InvariantCulture))));
                    break;
                case "quit":
                    var extra = result?.Invoke().Select(kv => $" {kv.Key}={kv.Value}") ?? [];
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT peak_rss_mb={ProcessMemory.PeakRssMb():F0}") + string.Concat(extra));
                    return 0;
                default:
                    Console.Error.WriteLine($"unknown command {line}");
                    break;
            }
        }
        return 0;
    }

    /// <summary>Runs <paramref name="step"/> until the median of the last three step times is within 5 % of the three before (6 to 40 steps).</summary>
    private static List<double> Settle(Action step)
    {
        var times = new List<double>();
        while (times.Count < SettleMaxSteps)
        {
            times.Add(Timed(step));
            if (times.Count >= Math.Max(SettleMinSteps, 2 * SettleWindow))
            {
                double last = Median(times.TakeLast(SettleWindow)), before = Median(times.SkipLast(SettleWindow).TakeLast(SettleWindow));
                if (Math.Abs(last - before) <= SettleTolerance * before)
                {
                    break;
                }
            }
        }
        return times;
    }

    private static double Timed(Action step)
    {
        var clock = Stopwatch.StartNew();
        step();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
