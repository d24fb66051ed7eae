using Diffusion.Tensors;

namespace Diffusion.Tests.Support;

/// <summary>
/// <see cref="Tensor.LiveCount"/> after the finalizer queue has drained: tensors that other tests dropped without disposing
/// are released by SafeHandle finalizers at unpredictable times, which would otherwise change the count mid-test.
/// </summary>
public static class LiveTensors
{
    /// <summary>Collects garbage, waits for pending finalizers, and returns the live native tensor count.</summary>
    public static long Count()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.LiveCount;
    }
}
