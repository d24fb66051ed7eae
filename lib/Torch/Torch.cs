namespace Diffusion.Tensors;

/// <summary>
/// Entry points that do not start from a tensor: creation, seeds, threads, versions.
/// Names follow PyTorch in PascalCase (<c>torch.randn_like</c> is <see cref="Torch"/>.<c>RandnLike</c>).
/// </summary>
public static partial class Torch
{
    /// <summary>The libtorch version the native shim was built against, e.g. <c>1.13.0</c>.</summary>
    public static string Version
    {
        get
        {
            _ = NativeMethods.dt_shim_version();
            return System.Runtime.InteropServices.Marshal.PtrToStringUTF8(NativeMethods.dt_torch_version()) ?? "";
        }
    }

    /// <summary>The number of threads libtorch uses for intra-op parallelism.</summary>
    public static int Threads
    {
        get => NativeMethods.dt_get_num_threads();
        set
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "the thread count must be at least 1");
            }
            Tensor.Check(NativeMethods.dt_set_num_threads(value), "set_num_threads");
        }
    }

    /// <summary>Seeds libtorch's default CPU generator (<c>torch.manual_seed</c>).</summary>
    public static void ManualSeed(ulong seed) => Tensor.Check(NativeMethods.dt_manual_seed(seed), "manual_seed");

    /// <summary>A tensor of zeros.</summary>
    public static unsafe Tensor Zeros(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            return Tensor.Wrap(NativeMethods.dt_zeros(p, shape.Length, (int)dtype, (int)d.Type, d.Index, out var r), r, "zeros");
        }
    }

    /// <summary>Samples of N(0, 1), from <paramref name="generator"/> when given, else from the global generator.</summary>
    public static unsafe Tensor Randn(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null, Generator? generator = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            int rc = NativeMethods.dt_randn_gen(p, shape.Length, (int)dtype, (int)d.Type, d.Index, Generator.Raw(generator), out var r);
            GC.KeepAlive(generator);
            return Tensor.Wrap(rc, r, "randn");
        }
    }

    /// <summary>Einstein summation over <paramref name="operands"/>, e.g. <c>Torch.Einsum("bij,bjk->bik", a, b)</c>.</summary>
    public static unsafe Tensor Einsum(string equation, params Tensor[] operands)
    {
        var raw = RawHandles(operands);
        fixed (IntPtr* p = raw)
        {
            int rc = NativeMethods.dt_einsum(equation, p, raw.Length, out var r);
            GC.KeepAlive(operands);
            return rc == 0 ? Tensor.Wrap(rc, r, "einsum") : throw ListError("einsum '" + equation + "'", operands);
        }
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape (row-major).</summary>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        long count = 1;
        foreach (long s in shape)
        {
            if (s < 0)
            {
                throw new ArgumentException($"shape {Tensor.FormatShape(shape)} has a negative size", nameof(shape));
            }
            count *= s;
        }
        if (count != data.Length)
        {
            throw new ArgumentException($"{data.Length} values cannot fill shape {Tensor.FormatShape(shape)}, which holds {count}", nameof(data));
        }
        var dtype = DTypeExtensions.Of<T>();
        fixed (T* pd = data)
        fixed (long* ps = shape)
        {
            return Tensor.Wrap(NativeMethods.dt_from_blob(pd, ps, shape.Length, (int)dtype, out var r), r, "from_array");
        }
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/>; without a shape it is 1-dimensional.</summary>
    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged =>
        FromSpan<T>(data, shape.Length == 0 ? [data.LongLength] : shape);

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32)
    {
        using var t = FromSpan<double>([value], []);
        return dtype == DType.Float64 ? t.Alias() : t.To(dtype);
    }
}
