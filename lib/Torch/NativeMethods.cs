using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>
/// P/Invoke declarations of the libtorch shim (<c>lib/Torch/Native</c>). One partial class for the one native
/// library, split over files by topic. Every fallible export returns 0 or 1 and reports through
/// <see cref="LastError"/>; results come back through out-parameters.
/// </summary>
internal static partial class NativeMethods
{
    /// <summary>The shim's name as the loader sees it (<c>libdiffusion_torch.so</c>).</summary>
    internal const string LibraryName = "diffusion_torch";

    static NativeMethods()
    {
        NativeLoader.Register();
    }

    /// <summary>The message of the last failure on this thread.</summary>
    internal static string LastError() => Marshal.PtrToStringUTF8(dt_last_error()) ?? "(no message)";

    [LibraryImport(LibraryName)]
    internal static partial int dt_shim_version();

    [LibraryImport(LibraryName)]
    internal static partial IntPtr dt_torch_version();

    [LibraryImport(LibraryName)]
    internal static partial int dt_cuda_is_available();

    [LibraryImport(LibraryName)]
    internal static partial int dt_cuda_device_count();

    [LibraryImport(LibraryName)]
    internal static partial IntPtr dt_last_error();

    [LibraryImport(LibraryName)]
    internal static partial void dt_free(IntPtr t);

    [LibraryImport(LibraryName)]
    internal static partial int dt_dim(TensorHandle t);

    [LibraryImport(LibraryName)]
    internal static unsafe partial int dt_shape(TensorHandle t, long* dims, int capacity);

    [LibraryImport(LibraryName)]
    internal static partial int dt_dtype(TensorHandle t);

    [LibraryImport(LibraryName)]
    internal static partial int dt_device_type(TensorHandle t);

    [LibraryImport(LibraryName)]
    internal static partial int dt_device_index(TensorHandle t);

    [LibraryImport(LibraryName)]
    internal static partial long dt_numel(TensorHandle t);

    [LibraryImport(LibraryName)]
    internal static partial int dt_is_contiguous(TensorHandle t);

    [LibraryImport(LibraryName)]
    internal static unsafe partial int dt_from_blob(void* data, long* dims, int ndim, int dtype, out IntPtr result);

    [LibraryImport(LibraryName)]
    internal static unsafe partial int dt_copy_to_host(TensorHandle t, void* data, long nbytes);

    [LibraryImport(LibraryName)]
    internal static partial int dt_item_double(TensorHandle t, out double value);

    [LibraryImport(LibraryName)]
    internal static partial int dt_item_int64(TensorHandle t, out long value);

    [LibraryImport(LibraryName)]
    internal static partial int dt_alias(TensorHandle t, out IntPtr result);

    [LibraryImport(LibraryName)]
    internal static partial int dt_to(TensorHandle t, int dtype, int deviceType, int deviceIndex, out IntPtr result);

    [LibraryImport(LibraryName)]
    internal static partial int dt_set_num_threads(int n);

    [LibraryImport(LibraryName)]
    internal static partial int dt_get_num_threads();

    [LibraryImport(LibraryName)]
    internal static partial int dt_manual_seed(ulong seed);

    [LibraryImport(LibraryName)]
    internal static partial int dt_to_string(TensorHandle t, out IntPtr text);

    [LibraryImport(LibraryName)]
    internal static partial void dt_free_string(IntPtr text);
}
