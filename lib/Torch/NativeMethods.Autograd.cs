using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>Autograd and grad mode (dt_autograd.cpp). Nullable tensor arguments cross as raw pointers (see <see cref="OptionalHandle"/>).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(LibraryName)] internal static partial int dt_requires_grad(TensorHandle t);
    [LibraryImport(LibraryName)] internal static partial int dt_set_requires_grad(TensorHandle t, int value);
    [LibraryImport(LibraryName)] internal static partial int dt_is_leaf(TensorHandle t);
    [LibraryImport(LibraryName)] internal static partial int dt_grad(TensorHandle t, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_clear_grad(TensorHandle t);
    [LibraryImport(LibraryName)] internal static partial int dt_zero_grad(TensorHandle t);
    [LibraryImport(LibraryName)] internal static partial int dt_detach(TensorHandle t, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_retain_grad(TensorHandle t);
    [LibraryImport(LibraryName)] internal static partial int dt_backward(TensorHandle t, IntPtr gradient, int retainGraph, int createGraph);
    [LibraryImport(LibraryName)]
    internal static unsafe partial int dt_autograd_grad(IntPtr* outputs, int nOutputs, IntPtr* inputs, int nInputs, IntPtr* gradOutputs, int nGradOutputs,
        int retainGraph, int createGraph, int allowUnused, IntPtr* results);
    [LibraryImport(LibraryName)] internal static partial int dt_is_grad_enabled();
    [LibraryImport(LibraryName)] internal static partial void dt_set_grad_enabled(int enabled);
}

/// <summary>
/// Passes an optional tensor to the shim as a raw pointer (<see cref="IntPtr.Zero"/> for null), holding a reference on
/// its <see cref="TensorHandle"/> so it cannot be freed during the call. Use with <c>using</c>.
/// </summary>
internal readonly ref struct OptionalHandle
{
    private readonly TensorHandle? _handle;

    /// <summary>Pins <paramref name="tensor"/> (or nothing when it is null).</summary>
    internal OptionalHandle(Tensor? tensor)
    {
        if (tensor is null)
        {
            _handle = null;
            Pointer = IntPtr.Zero;
            return;
        }
        var h = tensor.Handle;
        bool added = false;
        h.DangerousAddRef(ref added);
        _handle = h;
        Pointer = h.DangerousGetHandle();
    }

    /// <summary>The native pointer, or zero.</summary>
    internal IntPtr Pointer { get; }

    /// <summary>Releases the reference taken by the constructor.</summary>
    public void Dispose() => _handle?.DangerousRelease();
}

/// <summary>Passes a list of tensors to the shim as an array of raw pointers, holding a reference on each handle.</summary>
internal sealed class HandleList : IDisposable
{
    private readonly List<TensorHandle> _held = new();

    /// <summary>Pins every tensor of <paramref name="tensors"/>; a null entry becomes a zero pointer.</summary>
    internal HandleList(IReadOnlyList<Tensor?> tensors)
    {
        Pointers = new IntPtr[tensors.Count];
        try
        {
            for (int i = 0; i < tensors.Count; i++)
            {
                var t = tensors[i];
                if (t is null)
                {
                    continue;
                }
                var h = t.Handle;
                bool added = false;
                h.DangerousAddRef(ref added);
                _held.Add(h);
                Pointers[i] = h.DangerousGetHandle();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The native pointers, one per tensor.</summary>
    internal IntPtr[] Pointers { get; }

    /// <summary>Releases every reference.</summary>
    public void Dispose()
    {
        foreach (var h in _held)
        {
            h.DangerousRelease();
        }
        _held.Clear();
    }
}
