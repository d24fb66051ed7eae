using System.Diagnostics;
using Diffusion.Data;
using Diffusion.Engine;
using Diffusion.Score;
using Diffusion.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;

namespace Diffusion.Tests.Score;

/// <summary>
/// The DSM step on the Swiss-roll MLP (2-128-128-2, batch 512, Adam, one thread), the case notebook 02 trains. Its peer is
/// tests/Score/dsm_step_torch.py (the same step in PyTorch 1.13.1): measured on this machine before the port at 16.9 ms per
/// step, against a target of at least 4 times faster here. The test reports the time (a benchmark's business, not a
/// test's: under load a time bound fails for reasons that are not the code's, so it asserts none) and holds the step's
/// managed allocations to what autograd and TorchSharp's Adam need, since the rows, σ, z and the constants are reused from
/// step to step.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class DsmStepTimeTests(ITestOutputHelper output)
{
    private const int Warmup = 100, Blocks = 5, BlockSteps = 100;

    [Fact]
    public void SwissRollMlpStep_IsFastAndAllocatesLittle()
    {
        Assert.Equal(1, TorchEngine.Threads);
        using var data = SwissRoll.Sample(10_000, seed: 1);
        torch.manual_seed(1);
        using var model = new SwissRollMlp();
        var dsm = new DenoisingScoreMatching(0.01, 1.0);
        var blockMs = new List<double>();
        var blockBytes = new List<double>();
        long start = 0, bytes = 0;
        dsm.Train(model, data, steps: Warmup + Blocks * BlockSteps, batchSize: 512, learningRate: 1e-3, seed: 1, showProgress: false, observer: (step, loss) =>
        {
            if (step >= Warmup && (step - Warmup) % BlockSteps == 0)
            {
                if (step > Warmup)
                {
                    blockMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds / BlockSteps);
                    blockBytes.Add((GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)BlockSteps);
                }
                start = Stopwatch.GetTimestamp();
                bytes = GC.GetAllocatedBytesForCurrentThread();
            }
        });

        Assert.Equal(Blocks, blockMs.Count);
        output.WriteLine($"DSM step, 2-128-128-2, batch 512, Adam, 1 thread: {string.Join(", ", blockMs.Select(m => m.ToString("F2")))} ms per step " +
            $"(fastest block {blockMs.Min():F2} ms; PyTorch 1.13.1 measured 16.9 ms); {blockBytes.Average():F0} managed bytes per step");
        // About 8 KB per step: the .NET wrappers of the ~30 tensors of forward, loss, backward and Adam's update, and the
        // native Scalars Adam makes for its constants. A per-step copy of the buffers or of the parameter list would show here.
        Assert.InRange(blockBytes.Average(), 0, 16 * 1024);
    }
}
