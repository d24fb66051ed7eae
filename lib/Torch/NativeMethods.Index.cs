using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>Indexing by index tensors and masks (dt_index.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(LibraryName)] internal static partial int dt_index_select(TensorHandle x, long dim, TensorHandle index, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_gather(TensorHandle x, long dim, TensorHandle index, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_scatter_add(TensorHandle x, long dim, TensorHandle index, TensorHandle src, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_scatter(TensorHandle x, long dim, TensorHandle index, TensorHandle src, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_masked_select(TensorHandle x, TensorHandle mask, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_nonzero(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_index_add(TensorHandle x, long dim, TensorHandle index, TensorHandle src, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_one_hot(TensorHandle x, long classes, out IntPtr result);
}
