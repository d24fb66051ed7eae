using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>In-place updates (dt_inplace.cpp); they return only a status.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(LibraryName)] internal static partial int dt_add_(TensorHandle x, TensorHandle o, double alpha);
    [LibraryImport(LibraryName)] internal static partial int dt_add_scalar_(TensorHandle x, double s);
    [LibraryImport(LibraryName)] internal static partial int dt_sub_(TensorHandle x, TensorHandle o, double alpha);
    [LibraryImport(LibraryName)] internal static partial int dt_sub_scalar_(TensorHandle x, double s);
    [LibraryImport(LibraryName)] internal static partial int dt_mul_(TensorHandle x, TensorHandle o);
    [LibraryImport(LibraryName)] internal static partial int dt_mul_scalar_(TensorHandle x, double s);
    [LibraryImport(LibraryName)] internal static partial int dt_div_(TensorHandle x, TensorHandle o);
    [LibraryImport(LibraryName)] internal static partial int dt_div_scalar_(TensorHandle x, double s);
    [LibraryImport(LibraryName)] internal static partial int dt_addcmul_(TensorHandle x, TensorHandle t1, TensorHandle t2, double value);
    [LibraryImport(LibraryName)] internal static partial int dt_addcdiv_(TensorHandle x, TensorHandle t1, TensorHandle t2, double value);
    [LibraryImport(LibraryName)] internal static partial int dt_copy_(TensorHandle x, TensorHandle src);
    [LibraryImport(LibraryName)] internal static partial int dt_zero_(TensorHandle x);
    [LibraryImport(LibraryName)] internal static partial int dt_fill_(TensorHandle x, double value);
    [LibraryImport(LibraryName)] internal static partial int dt_clamp_(TensorHandle x, int hasMin, double min, int hasMax, double max);
    [LibraryImport(LibraryName)] internal static partial int dt_lerp_(TensorHandle x, TensorHandle end, double weight);
    [LibraryImport(LibraryName)] internal static partial int dt_sqrt_(TensorHandle x);
    [LibraryImport(LibraryName)] internal static partial int dt_neg_(TensorHandle x);
    [LibraryImport(LibraryName)] internal static partial int dt_exp_(TensorHandle x);
    [LibraryImport(LibraryName)] internal static partial int dt_normal_(TensorHandle x, double mean, double std, IntPtr generator);
    [LibraryImport(LibraryName)] internal static partial int dt_uniform_(TensorHandle x, double low, double high, IntPtr generator);
    [LibraryImport(LibraryName)] internal static partial int dt_masked_fill_(TensorHandle x, TensorHandle mask, double value);
}
