using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Stress;

/// <summary>Which temporaries <see cref="LifetimeStress.Run"/> exercises.</summary>
public enum StressOperations
{
    /// <summary><c>x / 3.0</c>, <c>x * 0.5</c>, <c>x.pow(2)</c>, <c>x + 1.0</c>: a temporary Scalar each.</summary>
    Scalars,

    /// <summary><c>x.neg().mul(y.neg())</c> and <c>cat(new[] { x.neg(), y.neg() })</c>: temporary tensors.</summary>
    Tensors,

    /// <summary>Both, in turn.</summary>
    All,
}

/// <summary>What one run of <see cref="LifetimeStress.Run"/> saw.</summary>
/// <param name="Operations">Operations completed (failed ones included).</param>
/// <param name="Failures">Operations that threw (LibTorch's "Expected false to be true", "Unknown scalar type", ...).</param>
/// <param name="WrongValues">Operations that returned another value than the exact one (a freed object read as another).</param>
/// <param name="Collections">Garbage collections the other thread forced meanwhile.</param>
/// <param name="Elapsed">How long the loop ran.</param>
/// <param name="FirstError">The first failure's type and message, or null.</param>
public sealed record StressResult(long Operations, long Failures, long WrongValues, long Collections, TimeSpan Elapsed, string? FirstError)
{
    /// <summary>Failures and wrong values together.</summary>
    public long Errors => Failures + WrongValues;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Operations:N0} operations in {Elapsed.TotalSeconds:F1} s beside {Collections:N0} forced collections: " +
        $"{Failures} failed, {WrongValues} wrong values" + (FirstError is null ? "" : $" (first: {FirstError})");
}

/// <summary>
/// The reproducer of TorchSharp 0.107's lifetime bug: operators that make temporaries (the Scalar of <c>x / 3.0</c>, the
/// tensor <c>x.neg()</c> of <c>x.neg().mul(y.neg())</c>) in a loop, each result checked exactly, while another thread
/// runs <c>GC.Collect(0)</c> and <c>GC.WaitForPendingFinalizers()</c> back to back. Nothing references a temporary once
/// its handle is read, so a collection in that window lets its finalizer free it under LibTorch. With the stock
/// TorchSharp.dll the scalar operators fail within seconds and the tensor temporaries crash the process (SIGSEGV) within
/// one; with the build's patched copy (environment/build/TorchSharpLifetimes.cs) neither does.
/// </summary>
public static class LifetimeStress
{
    /// <summary>
    /// Runs the loop for <paramref name="duration"/>, or until <paramref name="stopAfterErrors"/> errors (0: never),
    /// or until <paramref name="cancellation"/> fires.
    /// </summary>
    public static StressResult Run(TimeSpan duration, StressOperations operations = StressOperations.All, int stopAfterErrors = 0,
        CancellationToken cancellation = default)
    {
        long collections = 0;
        using var done = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!done.IsCancellationRequested)
            {
                GC.Collect(0);
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        }) { IsBackground = true, Name = "forced collections" };
        int[] kinds = operations switch
        {
            StressOperations.Scalars => [0, 1, 2, 3],
            StressOperations.Tensors => [4, 5],
            _ => [0, 1, 2, 3, 4, 5],
        };
        long count = 0, failures = 0, wrong = 0;
        string? first = null;
        var clock = Stopwatch.StartNew();
        using var x = tensor(2.0f);
        using var y = tensor(3.0f);
        collector.Start();
        try
        {
            while (clock.Elapsed < duration && !cancellation.IsCancellationRequested
                   && (stopAfterErrors <= 0 || failures + wrong < stopAfterErrors))
            {
                foreach (int kind in kinds)
                {
                    count++;
                    try
                    {
                        // The exact float32 results: 2/3 rounded once, 1, 4, 3; (-2)(-3) = 6; -2 + -3 = -5.
                        float expected = kind switch { 0 => 2f / 3f, 1 => 1f, 2 => 4f, 3 => 3f, 4 => 6f, _ => -5f };
                        using var result = kind switch
                        {
                            0 => x / 3.0,
                            1 => x * 0.5,
                            2 => x.pow(2),
                            3 => x + 1.0,
                            4 => x.neg().mul(y.neg()),
                            _ => cat(new Tensor[] { x.neg().view(1), y.neg().view(1) }).sum(),   // the array overload, as a cell writes it
                        };
                        float value = result.item<float>();
                        if (value != expected)
                        {
                            wrong++;
                            first ??= $"{value} for {expected}";
                        }
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        failures++;
                        first ??= $"{e.GetType().Name}: {e.Message.Split('\n')[0]}";
                    }
                }
            }
        }
        finally
        {
            done.Cancel();
            collector.Join();
        }
        return new StressResult(count, failures, wrong, Interlocked.Read(ref collections), clock.Elapsed, first);
    }
}
