using Diffusion.Tensors;

namespace Diffusion.Tests.Support;

/// <summary>
/// <see cref="Tensor.LiveCount"/> after the finalizer queue has drained: tensors that other tests dropped without disposing
/// are released by SafeHandle finalizers at unpredictable times, which would otherwise change the count mid-test.
/// </summary>
public static class LiveTensors
{
    /// <summary>The live native tensor count after garbage collection and pending finalizers (<see cref="Tensor.ReachableCount"/>).</summary>
    public static long Count() => Tensor.ReachableCount();
}
