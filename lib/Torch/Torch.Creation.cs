namespace Diffusion.Tensors;

public static partial class Torch
{
    /// <summary>A tensor of ones.</summary>
    public static unsafe Tensor Ones(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            return Tensor.Wrap(NativeMethods.dt_ones(p, shape.Length, (int)dtype, (int)d.Type, d.Index, out var r), r, "ones");
        }
    }

    /// <summary>A tensor with uninitialised contents (fast; fill it before reading).</summary>
    public static unsafe Tensor Empty(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            return Tensor.Wrap(NativeMethods.dt_empty(p, shape.Length, (int)dtype, (int)d.Type, d.Index, out var r), r, "empty");
        }
    }

    /// <summary>A tensor with every element equal to <paramref name="value"/>.</summary>
    public static unsafe Tensor Full(ReadOnlySpan<long> shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            return Tensor.Wrap(NativeMethods.dt_full(p, shape.Length, (int)dtype, (int)d.Type, d.Index, value, out var r), r, "full");
        }
    }

    /// <summary>The integers <c>0, 1, ..., end - 1</c> (int64 by default, as in PyTorch).</summary>
    public static Tensor Arange(long end, DType dtype = DType.Int64, Device? device = null) => Arange(0, end, 1, dtype, device);

    /// <summary>The integers <c>start, start + step, ...</c> below <paramref name="end"/> (int64 by default).</summary>
    public static Tensor Arange(long start, long end, long step = 1, DType dtype = DType.Int64, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Tensor.Wrap(NativeMethods.dt_arange_int(start, end, step, (int)dtype, (int)d.Type, d.Index, out var r), r, "arange");
    }

    /// <summary>The values <c>start, start + step, ...</c> below <paramref name="end"/> (float32 by default).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Tensor.Wrap(NativeMethods.dt_arange(start, end, step, (int)dtype, (int)d.Type, d.Index, out var r), r, "arange");
    }

    /// <summary><paramref name="steps"/> evenly spaced values from <paramref name="start"/> to <paramref name="end"/>, both included.</summary>
    public static Tensor Linspace(double start, double end, long steps, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Tensor.Wrap(NativeMethods.dt_linspace(start, end, steps, (int)dtype, (int)d.Type, d.Index, out var r), r, "linspace");
    }

    /// <summary>The n-by-n identity matrix.</summary>
    public static Tensor Eye(long n, DType dtype = DType.Float32, Device? device = null) => Eye(n, n, dtype, device);

    /// <summary>An n-by-m matrix with ones on the diagonal.</summary>
    public static Tensor Eye(long n, long m, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Tensor.Wrap(NativeMethods.dt_eye(n, m, (int)dtype, (int)d.Type, d.Index, out var r), r, "eye");
    }

    /// <summary>Samples of U[0, 1).</summary>
    public static unsafe Tensor Rand(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null, Generator? generator = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            int rc = NativeMethods.dt_rand_gen(p, shape.Length, (int)dtype, (int)d.Type, d.Index, Generator.Raw(generator), out var r);
            GC.KeepAlive(generator);
            return Tensor.Wrap(rc, r, "rand");
        }
    }

    /// <summary>Uniform random integers in [<paramref name="low"/>, <paramref name="high"/>) (int64 by default).</summary>
    public static unsafe Tensor Randint(long low, long high, ReadOnlySpan<long> shape, DType dtype = DType.Int64, Device? device = null, Generator? generator = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            int rc = NativeMethods.dt_randint(low, high, p, shape.Length, (int)dtype, (int)d.Type, d.Index, Generator.Raw(generator), out var r);
            GC.KeepAlive(generator);
            return Tensor.Wrap(rc, r, "randint");
        }
    }

    /// <summary>A random permutation of <c>0 .. n-1</c> (int64 by default).</summary>
    public static Tensor Randperm(long n, DType dtype = DType.Int64, Device? device = null, Generator? generator = null)
    {
        var d = device ?? Device.Cpu;
        int rc = NativeMethods.dt_randperm(n, (int)dtype, (int)d.Type, d.Index, Generator.Raw(generator), out var r);
        GC.KeepAlive(generator);
        return Tensor.Wrap(rc, r, "randperm");
    }

    /// <summary>Samples of N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static unsafe Tensor Normal(double mean, double std, ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null, Generator? generator = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            int rc = NativeMethods.dt_normal(mean, std, p, shape.Length, (int)dtype, (int)d.Type, d.Index, Generator.Raw(generator), out var r);
            GC.KeepAlive(generator);
            return Tensor.Wrap(rc, r, "normal");
        }
    }

    /// <summary>Zeros with the shape of <paramref name="x"/> (and its dtype and device unless given).</summary>
    public static Tensor ZerosLike(Tensor x, DType? dtype = null, Device? device = null)
    {
        var d = device ?? x.Device;
        return Tensor.Wrap(NativeMethods.dt_zeros_like(x.Handle, (int)(dtype ?? x.DType), (int)d.Type, d.Index, out var r), r, "zeros_like", x);
    }

    /// <summary>Ones with the shape of <paramref name="x"/> (and its dtype and device unless given).</summary>
    public static Tensor OnesLike(Tensor x, DType? dtype = null, Device? device = null)
    {
        var d = device ?? x.Device;
        return Tensor.Wrap(NativeMethods.dt_ones_like(x.Handle, (int)(dtype ?? x.DType), (int)d.Type, d.Index, out var r), r, "ones_like", x);
    }

    /// <summary><paramref name="value"/> everywhere, with the shape of <paramref name="x"/> (and its dtype and device unless given).</summary>
    public static Tensor FullLike(Tensor x, double value, DType? dtype = null, Device? device = null)
    {
        var d = device ?? x.Device;
        return Tensor.Wrap(NativeMethods.dt_full_like(x.Handle, value, (int)(dtype ?? x.DType), (int)d.Type, d.Index, out var r), r, "full_like", x);
    }

    /// <summary>U[0, 1) samples with the shape of <paramref name="x"/> (and its dtype and device unless given).</summary>
    public static Tensor RandLike(Tensor x, DType? dtype = null, Device? device = null, Generator? generator = null)
    {
        var d = device ?? x.Device;
        int rc = NativeMethods.dt_rand_like(x.Handle, (int)(dtype ?? x.DType), (int)d.Type, d.Index, Generator.Raw(generator), out var r);
        GC.KeepAlive(generator);
        return Tensor.Wrap(rc, r, "rand_like", x);
    }

    /// <summary>N(0, 1) samples with the shape of <paramref name="x"/> (and its dtype and device unless given).</summary>
    public static Tensor RandnLike(Tensor x, DType? dtype = null, Device? device = null, Generator? generator = null)
    {
        var d = device ?? x.Device;
        int rc = NativeMethods.dt_randn_like(x.Handle, (int)(dtype ?? x.DType), (int)d.Type, d.Index, Generator.Raw(generator), out var r);
        GC.KeepAlive(generator);
        return Tensor.Wrap(rc, r, "randn_like", x);
    }

    /// <summary>Random integers in [<paramref name="low"/>, <paramref name="high"/>) with the shape of <paramref name="x"/>.</summary>
    public static Tensor RandintLike(Tensor x, long low, long high, DType? dtype = null, Device? device = null, Generator? generator = null)
    {
        var d = device ?? x.Device;
        int rc = NativeMethods.dt_randint_like(x.Handle, low, high, (int)(dtype ?? x.DType), (int)d.Type, d.Index, Generator.Raw(generator), out var r);
        GC.KeepAlive(generator);
        return Tensor.Wrap(rc, r, "randint_like", x);
    }
}
