using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>
/// Owns one native <c>at::Tensor*</c>. Releasing it frees the handle (libtorch frees the storage when the
/// last handle to it goes). The finalizer is only a safety net; tensors are meant to be disposed
/// deterministically, by <see cref="Tensor.Dispose"/> or a <see cref="TensorScope"/>.
/// </summary>
internal sealed class TensorHandle : SafeHandle
{
    private static long s_live;

    internal TensorHandle(IntPtr raw) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(raw);
        Interlocked.Increment(ref s_live);
    }

    /// <summary>Native handles not yet released, across all threads.</summary>
    internal static long Live => Interlocked.Read(ref s_live);

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        NativeMethods.dt_free(handle);
        Interlocked.Decrement(ref s_live);
        return true;
    }
}
