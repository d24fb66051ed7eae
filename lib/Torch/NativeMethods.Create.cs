using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>Creation functions and generators (dt_create.cpp). Generators cross as raw pointers (null for the default one).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_ones(long* dims, int ndim, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_empty(long* dims, int ndim, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_full(long* dims, int ndim, int dtype, int deviceType, int deviceIndex, double value, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_arange_int(long start, long end, long step, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_linspace(double start, double end, long steps, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_eye(long n, long m, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_rand_gen(long* dims, int ndim, int dtype, int deviceType, int deviceIndex, IntPtr generator, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_randn_gen(long* dims, int ndim, int dtype, int deviceType, int deviceIndex, IntPtr generator, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_randint(long low, long high, long* dims, int ndim, int dtype, int deviceType, int deviceIndex, IntPtr generator, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_randperm(long n, int dtype, int deviceType, int deviceIndex, IntPtr generator, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_normal(double mean, double std, long* dims, int ndim, int dtype, int deviceType, int deviceIndex, IntPtr generator, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_zeros_like(TensorHandle x, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_ones_like(TensorHandle x, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_full_like(TensorHandle x, double value, int dtype, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_rand_like(TensorHandle x, int dtype, int deviceType, int deviceIndex, IntPtr generator, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_randn_like(TensorHandle x, int dtype, int deviceType, int deviceIndex, IntPtr generator, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_randint_like(TensorHandle x, long low, long high, int dtype, int deviceType, int deviceIndex, IntPtr generator, out IntPtr result);

    [LibraryImport(LibraryName)] internal static partial int dt_generator_new(ulong seed, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial void dt_generator_free(IntPtr generator);
    [LibraryImport(LibraryName)] internal static partial int dt_generator_manual_seed(GeneratorHandle generator, ulong seed);
    [LibraryImport(LibraryName)] internal static partial int dt_generator_initial_seed(GeneratorHandle generator, out ulong seed);
    [LibraryImport(LibraryName)] internal static partial int dt_generator_get_state(GeneratorHandle generator, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_generator_set_state(GeneratorHandle generator, TensorHandle state);
}
