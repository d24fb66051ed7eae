using Diffusion.Hosting;
using Microsoft.FSharp.Collections;
using Plotly.NET;
using Plotly.NET.CSharp;
using static TorchSharp.torch;

namespace Diffusion.Plotting;

public static partial class Figures
{
    /// <summary>
    /// An animation with a play/pause button and a slider (one step per frame). Each frame is a Plotly.NET chart; its
    /// traces replace the first picture's traces in order, so all frames should draw the same kinds of traces (points,
    /// an image grid, a heatmap). The first frame is the first picture and gives the layout; a frame's title, if it has
    /// one, is shown while that frame plays. The controls sit below the plot: the figure grows by
    /// <c>AnimationControls.Height</c> pixels and is at least <c>AnimationControls.MinWidth</c> wide.
    /// </summary>
    /// <param name="frames">(name, chart) pairs in play order; names are unique and label the slider.</param>
    /// <param name="frameDurationMs">How long each frame shows while playing, in milliseconds.</param>
    /// <param name="sliderPrefix">Text before the current frame's name, e.g. "t = ".</param>
    /// <param name="transitionMs">Tweening between frames, in milliseconds (0: jump).</param>
    public static AnimatedChart Animation(IEnumerable<(string Name, GenericChart Chart)> frames, int frameDurationMs = 150, string sliderPrefix = "", int transitionMs = 0)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfNegative(frameDurationMs);
        ArgumentOutOfRangeException.ThrowIfNegative(transitionMs);
        var list = frames.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("an animation needs at least one frame", nameof(frames));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int traceCount = GenericChart.getTraces(list[0].Chart).Length;
        var plotlyFrames = new List<Frame>(list.Count);
        foreach (var (name, chart) in list)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(frames));
            ArgumentNullException.ThrowIfNull(chart, nameof(frames));
            if (!seen.Add(name))
            {
                throw new ArgumentException($"two frames are named '{name}'; frame names must be unique (the slider finds frames by name)", nameof(frames));
            }
            var traces = GenericChart.getTraces(chart);
            if (traces.Length != traceCount)
            {
                throw new ArgumentException($"frame '{name}' draws {traces.Length} traces but the first frame draws {traceCount}; every frame replaces the same traces", nameof(frames));
            }
            plotlyFrames.Add(FrameOf(name, traces, ChartSummary.Of(chart).Title));
        }
        var names = list.Select(f => f.Name).ToArray();
        var controls = AnimationControls.Layout(names, frameDurationMs, transitionMs, sliderPrefix, ChartSummary.Of(list[0].Chart));
        var first = Plotly.NET.Chart.withLayout(controls).Invoke(list[0].Chart);
        return new AnimatedChart(first, plotlyFrames, names);
    }

    /// <summary>
    /// Point clouds [N, 2] over time (Langevin chains, a sampler's trajectory) as an animation on fixed, equal axes,
    /// showing at most <paramref name="maxPoints"/> points of each snapshot.
    /// </summary>
    /// <param name="snapshots">The points at each recorded step, each [N, 2] with the same N.</param>
    /// <param name="frameName">The slider label of snapshot k (default: k).</param>
    /// <param name="maxPoints">Points drawn per frame (the first ones, so each point keeps its identity across frames).</param>
    /// <param name="limit">Both axes span [−limit, limit]; null fits every snapshot.</param>
    /// <param name="frameDurationMs">How long each frame shows while playing, in milliseconds.</param>
    /// <param name="sliderPrefix">Text before the current frame's name.</param>
    /// <param name="name">The legend name of the points.</param>
    public static AnimatedChart Trajectory(IReadOnlyList<Tensor> snapshots, Func<int, string>? frameName = null, int maxPoints = 600, double? limit = null,
        int frameDurationMs = 150, string sliderPrefix = "step ", string name = "chains")
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        if (snapshots.Count == 0)
        {
            throw new ArgumentException("there are no snapshots to animate", nameof(snapshots));
        }
        return Trajectory(snapshots.Select(s => TensorValues.Columns(s, nameof(snapshots))).ToList(), frameName, maxPoints, limit, frameDurationMs, sliderPrefix, name);
    }

    /// <summary>
    /// The animation of <see cref="Trajectory(IReadOnlyList{Tensor}, Func{int, string}?, int, double?, int, string, string)"/> from
    /// snapshots kept as arrays of interleaved coordinates x₀, y₀, x₁, y₁, … (what <c>Langevin</c> records).
    /// </summary>
    /// <exception cref="ArgumentException">A snapshot has an odd number of values.</exception>
    public static AnimatedChart Trajectory(IReadOnlyList<float[]> snapshots, Func<int, string>? frameName = null, int maxPoints = 600, double? limit = null,
        int frameDurationMs = 150, string sliderPrefix = "step ", string name = "chains")
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        if (snapshots.FirstOrDefault(s => s is null || s.Length % 2 != 0) is { } odd)
        {
            throw new ArgumentException($"a snapshot holds {odd?.Length ?? 0} values; 2-D points need x, y pairs (an even count)", nameof(snapshots));
        }
        var clouds = snapshots.Select(s => (
            X: Enumerable.Range(0, s.Length / 2).Select(i => (double)s[2 * i]).ToArray(),
            Y: Enumerable.Range(0, s.Length / 2).Select(i => (double)s[(2 * i) + 1]).ToArray())).ToList();
        return Trajectory(clouds, frameName, maxPoints, limit, frameDurationMs, sliderPrefix, name);
    }

    private static AnimatedChart Trajectory(List<(double[] X, double[] Y)> clouds, Func<int, string>? frameName, int maxPoints, double? limit,
        int frameDurationMs, string sliderPrefix, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        if (clouds.Count == 0)
        {
            throw new ArgumentException("there are no snapshots to animate", "snapshots");
        }
        frameName ??= k => k.ToString(System.Globalization.CultureInfo.InvariantCulture);
        double bound = limit ?? (1.05 * clouds.Max(c => Math.Max(MaxAbs(c.X, maxPoints), MaxAbs(c.Y, maxPoints))));
        if (!(bound > 0) || !double.IsFinite(bound))
        {
            throw new ArgumentException($"the axis limit must be positive and finite, got {bound} (are the snapshots all zero or not finite?)", nameof(limit));
        }
        var frames = clouds.Select((c, k) => (frameName(k), Points(c.X.Take(maxPoints).ToArray(), c.Y.Take(maxPoints).ToArray(), name, size: 4)));
        var range = Tuple.Create(-bound, bound);
        return Animation(frames, frameDurationMs, sliderPrefix).With(chart => chart
            .WithXAxisStyle<double, double, string>(MinMax: range)
            .WithYAxisStyle<double, double, string>(MinMax: range)
            .WithEqualAxes());
    }

    private static Frame FrameOf(string name, FSharpList<Trace> traces, string? title)
    {
        var frame = new Frame();
        frame.SetProperty("name", name);
        frame.SetProperty("data", traces);
        if (title is not null)
        {
            var layout = new Layout();
            var t = new Title();
            t.SetProperty("text", title);
            layout.SetProperty("title", t);
            frame.SetProperty("layout", layout);
        }
        return frame;
    }

    private static double MaxAbs(double[] values, int count) =>
        values.Take(count).Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
}
