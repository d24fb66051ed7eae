// The lifetime stress cell: plain user code, as a student would write it in a notebook, run by
// environment/stress_kernels.py in the course kernel or in .NET Interactive after the preamble (the library's #r and
// TorchEngine.Initialize). Tensor-scalar operators (a temporary Scalar each) and chained calls on temporary tensors in
// a loop for SECONDS, each result checked exactly, while another thread forces garbage collections back to back. On the
// stock TorchSharp 0.107 the scalar operators fail within seconds ("Unknown scalar type", "Expected false to be true")
// and the temporary tensors crash the kernel; on the build's patched TorchSharp.dll nothing fails.
var stressSeconds = SECONDS;
var stressOps = OPERATIONS;   // 0-3: the four tensor-scalar operators; 4-5: temporary tensors
long collections = 0, operations = 0, failed = 0, wrong = 0;
string firstError = null;
var stop = new System.Threading.CancellationTokenSource();
var collector = new System.Threading.Thread(() =>
{
    while (!stop.IsCancellationRequested)
    {
        GC.Collect(0);
        GC.WaitForPendingFinalizers();
        System.Threading.Interlocked.Increment(ref collections);
    }
}) { IsBackground = true };
var x = tensor(2.0f);
var y = tensor(3.0f);
collector.Start();
var clock = System.Diagnostics.Stopwatch.StartNew();
try
{
    while (clock.Elapsed.TotalSeconds < stressSeconds)
    {
        foreach (int op in stressOps)
        {
            operations++;
            try
            {
                float expected = op switch { 0 => 2f / 3f, 1 => 1f, 2 => 4f, 3 => 3f, 4 => 6f, _ => -5f };
                using var result = op switch
                {
                    0 => x / 3.0,
                    1 => x * 0.5,
                    2 => x.pow(2),
                    3 => x + 1.0,
                    4 => x.neg().mul(y.neg()),
                    _ => cat(new Tensor[] { x.neg().view(1), y.neg().view(1) }).sum(),
                };
                if (result.item<float>() != expected) { wrong++; firstError ??= $"{result.item<float>()} for {expected}"; }
            }
            catch (Exception e)
            {
                failed++;
                firstError ??= e.GetType().Name + ": " + e.Message.Split('\n')[0];
            }
        }
    }
}
finally
{
    stop.Cancel();
    collector.Join();
}
Console.WriteLine($"STRESS {operations} operations in {clock.Elapsed.TotalSeconds:F1} s beside {collections} forced collections: " +
    $"{failed} failed, {wrong} wrong values" + (firstError is null ? "" : $" (first: {firstError})"));
