using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>Reductions (dt_reduce.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_sum_dims(TensorHandle x, long* dims, int n, int keepdim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_mean_dims(TensorHandle x, long* dims, int n, int keepdim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_var(TensorHandle x, int hasDims, long* dims, int n, int keepdim, int unbiased, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_std(TensorHandle x, int hasDims, long* dims, int n, int keepdim, int unbiased, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_norm(TensorHandle x, double p, int hasDims, long* dims, int n, int keepdim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_logsumexp(TensorHandle x, long* dims, int n, int keepdim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_amax(TensorHandle x, long* dims, int n, int keepdim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_amin(TensorHandle x, long* dims, int n, int keepdim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_max_all(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_min_all(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_prod_all(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_all_all(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_any_all(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_argmax_all(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_argmin_all(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_max_dim(TensorHandle x, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(LibraryName)] internal static partial int dt_min_dim(TensorHandle x, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(LibraryName)] internal static partial int dt_sort(TensorHandle x, long dim, int descending, out IntPtr values, out IntPtr indices);
    [LibraryImport(LibraryName)] internal static partial int dt_topk(TensorHandle x, long k, long dim, int largest, out IntPtr values, out IntPtr indices);
    [LibraryImport(LibraryName)] internal static partial int dt_argmax(TensorHandle x, long dim, int keepdim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_argmin(TensorHandle x, long dim, int keepdim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_prod(TensorHandle x, long dim, int keepdim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_cumsum(TensorHandle x, long dim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_cumprod(TensorHandle x, long dim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_all_dim(TensorHandle x, long dim, int keepdim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_any_dim(TensorHandle x, long dim, int keepdim, out IntPtr result);
}
