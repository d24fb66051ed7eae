using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;

namespace Diffusion.Engine;

/// <summary>
/// Counts the native tensors this process holds, so that tests and notebooks can show that loops run in flat memory
/// and that nothing is left behind (<see cref="Reachable"/> after a notebook disposed its models is 0).
/// </summary>
/// <remarks>
/// The count is TorchSharp's <c>torch.Tensor.TotalCount</c> (every tensor object with a live native handle, all threads).
/// TorchSharp 0.107 over-counts by one for every <see cref="Parameter"/> made from a tensor (the tensor's handle moves into
/// the parameter without being uncounted), so that layers would look like leaks. <see cref="Settle"/> takes that surplus
/// back once per parameter; every model of the course calls it when it is built and after it moves device, and
/// <c>TensorAccountingTests</c> fails when a TorchSharp release fixes the over-count, so that this correction goes too.
/// </remarks>
public static class TensorAccounting
{
    private static readonly ConditionalWeakTable<Parameter, object> Settled = new();
    private static readonly object Marker = new();

    /// <summary>Native tensors alive now (all threads), dropped temporaries not yet finalized included.</summary>
    public static long Live => torch.Tensor.TotalCount;

    /// <summary>
    /// The tensors still referenced somewhere: collects garbage and runs pending finalizers first, so that temporaries dropped
    /// without <c>Dispose</c> (say the scalar behind <c>x.max().item&lt;float&gt;()</c>) are freed and no longer counted.
    /// </summary>
    public static long Reachable()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Live;
    }

    /// <summary>
    /// Takes back TorchSharp's surplus count for every parameter of <paramref name="module"/> not settled before (idempotent;
    /// call it on a model after building it and after <c>to(device)</c>). Returns <paramref name="module"/>.
    /// </summary>
    public static T Settle<T>(T module) where T : torch.nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (var p in module.parameters())
        {
            if (!Settled.TryGetValue(p, out _))
            {
                Settled.Add(p, Marker);
                Interlocked.Decrement(ref TotalCountField(null));
            }
        }
        return module;
    }

    [UnsafeAccessor(UnsafeAccessorKind.StaticField, Name = "_totalCount")]
    private static extern ref long TotalCountField(torch.Tensor? unused);
}
