namespace Diffusion.Tests.Nn;

/// <summary>
/// Tests that compare <see cref="Diffusion.Tensors.Tensor.LiveCount"/> (a process-wide count) before and after: they run
/// alone, after the parallel tests, so that tensors other tests create or free meanwhile do not disturb the count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveCountCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Nn live tensor count";
}
