using Diffusion.Hosting;
using Diffusion.Tests.Plotting;

namespace Diffusion.Tests.Hosting;

[Collection(NotebookStateCollection.Name)]
public class NotebookHostTests
{
    [Fact]
    public void Outside_ANotebook_ThereIsNoDisplayAndNoCancellation()
    {
        var (display, cancellation) = (NotebookHost.Display, NotebookHost.Cancellation);
        try
        {
            NotebookHost.Display = null;
            NotebookHost.Cancellation = default;
            Assert.False(NotebookHost.IsNotebook);
            Assert.False(NotebookHost.Cancellation.CanBeCanceled);
        }
        finally
        {
            (NotebookHost.Display, NotebookHost.Cancellation) = (display, cancellation);
        }
    }

    [Fact]
    public void WhatTheCourseKernelSets_IsWhatTheLibrarySees()
    {
        var (display, cancellation) = (NotebookHost.Display, NotebookHost.Cancellation);
        using var source = new CancellationTokenSource();
        try
        {
            var shown = new List<object>();
            NotebookHost.Display = value => { shown.Add(value); return shown.Add; };
            NotebookHost.Cancellation = source.Token;
            NotebookHost.Display!("a")("b");
            Assert.Equal(["a", "b"], shown);
            Assert.True(NotebookHost.IsNotebook);
            source.Cancel();
            Assert.Throws<OperationCanceledException>(() => NotebookHost.ThrowIfCancelled());
        }
        finally
        {
            (NotebookHost.Display, NotebookHost.Cancellation) = (display, cancellation);
        }
    }
}
