using Diffusion.Engine;

namespace Diffusion.Tests.Support;

/// <summary>
/// The live native tensor count after the finalizer queue has drained (<see cref="TensorAccounting.Reachable"/>): tensors that
/// other tests dropped without disposing are released by finalizers at unpredictable times, which would otherwise change the
/// count mid-test.
/// </summary>
public static class LiveTensors
{
    /// <summary>The live native tensor count after garbage collection and pending finalizers.</summary>
    public static long Count() => TensorAccounting.Reachable();
}
