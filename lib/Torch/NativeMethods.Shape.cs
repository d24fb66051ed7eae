using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>Views, joins and splits (dt_shape.cpp). Lists of tensors cross as arrays of raw handles.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(LibraryName)] internal static partial void dt_free_list(IntPtr list);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_view(TensorHandle x, long* dims, int n, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_permute(TensorHandle x, long* dims, int n, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_transpose(TensorHandle x, long d0, long d1, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_flatten(TensorHandle x, long start, long end, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_unflatten(TensorHandle x, long dim, long* sizes, int n, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_unsqueeze(TensorHandle x, long dim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_squeeze(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_squeeze_dim(TensorHandle x, long dim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_contiguous(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_clone(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_narrow(TensorHandle x, long dim, long start, long length, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_select(TensorHandle x, long dim, long index, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_expand(TensorHandle x, long* dims, int n, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_repeat(TensorHandle x, long* dims, int n, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_flip(TensorHandle x, long* dims, int n, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_slice(TensorHandle x, long dim, int hasStart, long start, int hasEnd, long end, long step, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_roll(TensorHandle x, long* shifts, int ns, long* dims, int nd, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_pad(TensorHandle x, long* pads, int n, int mode, double value, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_cat(IntPtr* items, int n, long dim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_stack(IntPtr* items, int n, long dim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_chunk(TensorHandle x, long chunks, long dim, out IntPtr list, out int count);
    [LibraryImport(LibraryName)] internal static partial int dt_split(TensorHandle x, long size, long dim, out IntPtr list, out int count);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_split_sizes(TensorHandle x, long* sizes, int n, long dim, out IntPtr list, out int count);
    [LibraryImport(LibraryName)] internal static partial int dt_unbind(TensorHandle x, long dim, out IntPtr list, out int count);
}
