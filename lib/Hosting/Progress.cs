using System.Collections;

namespace Diffusion.Hosting;

/// <summary>Progress bars around loops, like Python's tqdm: <c>foreach (var i in Progress.Range(1000, "train")) …</c>.</summary>
public static class Progress
{
    /// <summary>0, 1, …, <paramref name="count"/>−1 with a progress bar (see <see cref="ProgressBar"/> for where it draws).</summary>
    public static ProgressRange<int> Range(int count, string label = "") =>
        new(Enumerable.Range(0, count), count, label);

    /// <summary>The items of <paramref name="source"/> with a progress bar; <paramref name="count"/> defaults to the collection's count.</summary>
    public static ProgressRange<T> Over<T>(IEnumerable<T> source, string label = "", long? count = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        long n = count ?? (source.TryGetNonEnumeratedCount(out int c) ? c : throw new ArgumentException("the number of items is unknown; pass count", nameof(count)));
        return new(source, n, label);
    }
}

/// <summary>
/// A sequence that advances a <see cref="ProgressBar"/> as it is enumerated: an item counts as done when the
/// next one is requested. Report the loss with <see cref="SetLoss"/>; the bar completes when the loop ends.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class ProgressRange<T> : IEnumerable<T>
{
    private readonly IEnumerable<T> _source;
    private readonly long _count;
    private readonly string _label;

    internal ProgressRange(IEnumerable<T> source, long count, string label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _source = source;
        _count = count;
        _label = label;
    }

    /// <summary>The bar of the running loop (null before the loop starts).</summary>
    public ProgressBar? Bar { get; private set; }

    /// <summary>Shows <paramref name="loss"/> on the bar (drawn with the next update).</summary>
    public void SetLoss(double loss) => Bar?.Report(Bar.Current, loss);

    /// <summary>Shows another named value on the bar.</summary>
    public void Set(string name, double value) => Bar?.Set(name, value);

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator()
    {
        if (_count == 0)
        {
            yield break;
        }
        using var bar = new ProgressBar(_count, _label);
        Bar = bar;
        long done = 0;
        foreach (var item in _source)
        {
            if (done > 0)
            {
                bar.Report(done);
            }
            else
            {
                Hosting.NotebookHost.ThrowIfCancelled();
            }
            yield return item;
            done++;
        }
        bar.Report(done);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
