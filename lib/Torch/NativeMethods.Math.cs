using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>Elementwise arithmetic and first reductions (dt_math.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(LibraryName)] internal static partial int dt_add(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_sub(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_mul(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_div(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_add_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_sub_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_mul_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_div_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_rsub_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_neg(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_sqrt(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_exp(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_log(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_sum_all(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_mean_all(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_matmul(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_reshape(TensorHandle x, long* dims, int ndim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_zeros(long* dims, int ndim, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_randn(long* dims, int ndim, int dtype, int deviceType, int deviceIndex, out IntPtr result);
}
