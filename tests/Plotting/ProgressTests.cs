using Diffusion.Hosting;
using Diffusion.Plotting;

namespace Diffusion.Tests.Plotting;

/// <summary>A clock that moves only when told.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public void Advance(double seconds) => _ticks += (long)(seconds * TimeSpan.TicksPerSecond);
}

[Collection(NotebookStateCollection.Name)]
public class ProgressTests
{
    [Fact]
    public void RedirectedOutput_WritesALineEveryTenPercent()
    {
        var clock = new ManualClock();
        var output = new StringWriter();
        using (var bar = new ProgressBar(1000, "train", output, terminal: false, time: clock))
        {
            for (int i = 1; i <= 1000; i++)
            {
                clock.Advance(0.01);
                bar.Report(i, loss: 1.0 / i);
            }
        }
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(11, lines.Length); // 0 % (first step), 10 %, …, 100 %
        Assert.StartsWith("train 100%|████████████████████████| 1000/1000 [00:10<00:00, 100.0 it/s, loss=0.001]", lines[^1]);
        Assert.Contains(" 50%|", lines[5]);
        Assert.DoesNotContain('\r', output.ToString());
    }

    [Fact]
    public void Terminal_RedrawsInPlaceAtMostEveryTenthOfASecond()
    {
        var clock = new ManualClock();
        var output = new StringWriter();
        var bar = new ProgressBar(100, "", output, terminal: true, time: clock);
        for (int i = 1; i <= 100; i++)
        {
            clock.Advance(0.01); // 1 s in all: about 10 redraws plus the final one
            bar.Report(i);
        }
        bar.Complete();
        bar.Complete();
        var text = output.ToString();
        Assert.InRange(bar.DrawCount, 10, 12);
        Assert.Equal(bar.DrawCount, text.Count(c => c == '\r'));
        Assert.EndsWith("\n", text);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("100/100", text);
    }

    [Fact]
    public void Notebook_ShowsOneOutputAndUpdatesItThrottled()
    {
        var clock = new ManualClock();
        var shown = new List<object>();
        var updates = new List<object>();
        var old = NotebookHost.Display;
        NotebookHost.Display = o => { shown.Add(o); return updates.Add; };
        try
        {
            using (var bar = new ProgressBar(50, "epoch", time: clock))
            {
                Assert.True(bar.IsNotebook);
                for (int i = 1; i <= 50; i++)
                {
                    clock.Advance(0.02); // 1 s: ~5 throttled updates + the final one
                    bar.Report(i, loss: 0.5);
                    bar.Set("lr", 1e-4);
                }
            }
            Assert.Single(shown);
            Assert.InRange(updates.Count, 5, 7);
            var last = Assert.IsType<ProgressView>(updates[^1]);
            Assert.Equal(50, last.Current);
            var bundle = last.ToMimeBundle();
            Assert.Contains("<progress value=\"50\" max=\"50\"", bundle["text/html"]);
            Assert.Contains("loss=0.5, lr=1e-4", bundle["text/plain"]);
        }
        finally
        {
            NotebookHost.Display = old;
        }
    }

    [Fact]
    public void Report_ThrowsWhenTheCellIsInterrupted()
    {
        var old = NotebookHost.Cancellation;
        using var cts = new CancellationTokenSource();
        NotebookHost.Cancellation = cts.Token;
        try
        {
            var bar = new ProgressBar(10, output: TextWriter.Null, terminal: false);
            bar.Report(1);
            cts.Cancel();
            Assert.Throws<OperationCanceledException>(() => bar.Report(2));
            var count = 0;
            Assert.Throws<OperationCanceledException>(() =>
            {
                foreach (var i in Progress.Range(10))
                {
                    count++;
                }
            });
            Assert.Equal(0, count);
        }
        finally
        {
            NotebookHost.Cancellation = old;
        }
    }

    [Fact]
    public void Range_YieldsEveryIndexAndCompletesTheBar()
    {
        var old = NotebookHost.Display;
        var updates = new List<object>();
        NotebookHost.Display = _ => updates.Add;
        try
        {
            var range = Progress.Range(5, "steps");
            var seen = new List<int>();
            foreach (var i in range)
            {
                seen.Add(i);
                range.SetLoss(i);
            }
            Assert.Equal([0, 1, 2, 3, 4], seen);
            Assert.True(range.Bar!.IsCompleted);
            Assert.Equal(5, range.Bar.Current);
            Assert.Equal(4, range.Bar.Loss);
            Assert.Equal(5, ((ProgressView)updates[^1]).Current);
            Assert.Equal(3, Progress.Over(new[] { "a", "b", "c" }).Count());
            Assert.Empty(Progress.Range(0));
        }
        finally
        {
            NotebookHost.Display = old;
        }
    }

    [Fact]
    public void Text_ShowsPercentCountsRateAndMetrics()
    {
        var clock = new ManualClock();
        var bar = new ProgressBar(4, "x", TextWriter.Null, terminal: false, time: clock);
        clock.Advance(2);
        bar.Report(1, loss: 12345.678);
        Assert.Equal("x  25%|██████                  | 1/4 [00:02<00:06, 2.00 s/it, loss=1.235e+4]", bar.Text);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProgressBar(0));
    }
}
