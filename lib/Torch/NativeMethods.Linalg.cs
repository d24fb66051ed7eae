using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>Matrix products, einsum and decompositions (dt_linalg.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(LibraryName)] internal static partial int dt_mm(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_bmm(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_outer(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_dot(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_linalg_cholesky(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_linalg_inv(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_linalg_det(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_linalg_eigvalsh(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_trace(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_tril(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_triu(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_linalg_solve(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)] internal static unsafe partial int dt_einsum(string equation, IntPtr* items, int n, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_linalg_eigh(TensorHandle x, out IntPtr values, out IntPtr vectors);
    [LibraryImport(LibraryName)] internal static partial int dt_linalg_svd(TensorHandle x, int fullMatrices, out IntPtr u, out IntPtr s, out IntPtr vh);
}
