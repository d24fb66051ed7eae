using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>Elementwise math, comparisons and selection (dt_elementwise.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(LibraryName)] internal static partial int dt_abs(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_square(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_rsqrt(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_reciprocal(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_sin(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_cos(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_tanh(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_sigmoid(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_erf(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_log1p(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_expm1(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_log2(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_log10(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_floor(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_ceil(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_round(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_trunc(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_sign(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_logical_not(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_isnan(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_isfinite(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_isinf(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_pow_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_pow(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_atan2(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_maximum(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_minimum(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_remainder(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_remainder_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_clamp_min(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_clamp_max(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_clamp(TensorHandle x, int hasMin, double min, int hasMax, double max, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_lerp(TensorHandle a, TensorHandle end, double weight, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_lerp_tensor(TensorHandle a, TensorHandle end, TensorHandle weight, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_eq(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_ne(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_lt(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_le(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_gt(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_ge(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_eq_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_ne_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_lt_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_le_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_gt_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_ge_scalar(TensorHandle a, double s, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_logical_and(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_logical_or(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_logical_xor(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, out int result);
    [LibraryImport(LibraryName)] internal static partial int dt_equal(TensorHandle a, TensorHandle b, out int result);
    [LibraryImport(LibraryName)] internal static partial int dt_where(TensorHandle c, TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_where_ts(TensorHandle c, TensorHandle a, double b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_where_st(TensorHandle c, double a, TensorHandle b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_where_ss(TensorHandle c, double a, double b, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_masked_fill(TensorHandle x, TensorHandle mask, double value, out IntPtr result);
}
