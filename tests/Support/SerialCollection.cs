using Diffusion.Tests.Support;
namespace Diffusion.Tests.Support;

/// <summary>
/// Tests that read process-wide state (<c>LiveTensors.Count()</c>, the global generator) join this collection, so no
/// other test creates tensors or draws numbers meanwhile: xunit runs a collection that disables parallelization alone,
/// after the parallel ones (<c>TestParallelization.cs</c>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    /// <summary>The collection's name for <c>[Collection(...)]</c>.</summary>
    public const string Name = "Serial (process-wide state)";
}
