namespace Diffusion.Tensors;

public sealed partial class Tensor
{
    /// <summary>The sum over <paramref name="dims"/>, dropping them unless <paramref name="keepDim"/>.</summary>
    public unsafe Tensor Sum(int[] dims, bool keepDim = false)
    {
        long[] d = Longs(dims);
        fixed (long* p = d)
        {
            return Wrap(NativeMethods.dt_sum_dims(Handle, p, d.Length, keepDim ? 1 : 0, out var r), r, "sum", this);
        }
    }

    /// <summary>The sum over dimension <paramref name="dim"/>.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>The mean over <paramref name="dims"/>, dropping them unless <paramref name="keepDim"/>.</summary>
    public unsafe Tensor Mean(int[] dims, bool keepDim = false)
    {
        long[] d = Longs(dims);
        fixed (long* p = d)
        {
            return Wrap(NativeMethods.dt_mean_dims(Handle, p, d.Length, keepDim ? 1 : 0, out var r), r, "mean", this);
        }
    }

    /// <summary>The mean over dimension <paramref name="dim"/>.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>The variance over <paramref name="dims"/> (all elements when null).</summary>
    /// <remarks>var = Σ(x − mean)² / (N − 1) when <paramref name="unbiased"/>, else / N.</remarks>
    public unsafe Tensor Var(int[]? dims = null, bool unbiased = true, bool keepDim = false)
    {
        long[] d = Longs(dims ?? []);
        fixed (long* p = d)
        {
            return Wrap(NativeMethods.dt_var(Handle, dims is null ? 0 : 1, p, d.Length, keepDim ? 1 : 0, unbiased ? 1 : 0, out var r), r, "var", this);
        }
    }

    /// <summary>The standard deviation over <paramref name="dims"/> (all elements when null).</summary>
    /// <remarks>std = √var, with N − 1 in the denominator when <paramref name="unbiased"/>.</remarks>
    public unsafe Tensor Std(int[]? dims = null, bool unbiased = true, bool keepDim = false)
    {
        long[] d = Longs(dims ?? []);
        fixed (long* p = d)
        {
            return Wrap(NativeMethods.dt_std(Handle, dims is null ? 0 : 1, p, d.Length, keepDim ? 1 : 0, unbiased ? 1 : 0, out var r), r, "std", this);
        }
    }

    /// <summary>The vector p-norm over <paramref name="dims"/> (all elements when null; <c>torch.linalg.vector_norm</c>).</summary>
    /// <remarks>‖x‖_p = (Σ|x|^p)^(1/p); p = ∞ gives max |x|.</remarks>
    public unsafe Tensor Norm(double p = 2, int[]? dims = null, bool keepDim = false)
    {
        long[] d = Longs(dims ?? []);
        fixed (long* pd = d)
        {
            return Wrap(NativeMethods.dt_norm(Handle, p, dims is null ? 0 : 1, pd, d.Length, keepDim ? 1 : 0, out var r), r, "norm", this);
        }
    }

    /// <summary>log Σ e^x over <paramref name="dims"/>, computed stably.</summary>
    /// <remarks>logsumexp(x) = m + log Σ e^(x − m), m = max x.</remarks>
    public unsafe Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        long[] d = Longs(dims);
        fixed (long* p = d)
        {
            return Wrap(NativeMethods.dt_logsumexp(Handle, p, d.Length, keepDim ? 1 : 0, out var r), r, "logsumexp", this);
        }
    }

    /// <summary>The maximum over <paramref name="dims"/> (values only).</summary>
    public unsafe Tensor Amax(int[] dims, bool keepDim = false)
    {
        long[] d = Longs(dims);
        fixed (long* p = d)
        {
            return Wrap(NativeMethods.dt_amax(Handle, p, d.Length, keepDim ? 1 : 0, out var r), r, "amax", this);
        }
    }

    /// <summary>The minimum over <paramref name="dims"/> (values only).</summary>
    public unsafe Tensor Amin(int[] dims, bool keepDim = false)
    {
        long[] d = Longs(dims);
        fixed (long* p = d)
        {
            return Wrap(NativeMethods.dt_amin(Handle, p, d.Length, keepDim ? 1 : 0, out var r), r, "amin", this);
        }
    }

    /// <summary>The largest element (a 0-dimensional tensor).</summary>
    public Tensor Max() => Wrap(NativeMethods.dt_max_all(Handle, out var r), r, "max", this);

    /// <summary>The smallest element (a 0-dimensional tensor).</summary>
    public Tensor Min() => Wrap(NativeMethods.dt_min_all(Handle, out var r), r, "min", this);

    /// <summary>The maximum along <paramref name="dim"/> and where it occurs (int64 indices).</summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false) =>
        WrapPair(NativeMethods.dt_max_dim(Handle, dim, keepDim ? 1 : 0, out var v, out var i), v, i, "max", this);

    /// <summary>The minimum along <paramref name="dim"/> and where it occurs (int64 indices).</summary>
    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false) =>
        WrapPair(NativeMethods.dt_min_dim(Handle, dim, keepDim ? 1 : 0, out var v, out var i), v, i, "min", this);

    /// <summary>Sorted values along <paramref name="dim"/> and their original indices.</summary>
    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false) =>
        WrapPair(NativeMethods.dt_sort(Handle, dim, descending ? 1 : 0, out var v, out var i), v, i, "sort", this);

    /// <summary>The <paramref name="k"/> largest (or smallest) values along <paramref name="dim"/>, sorted, with indices.</summary>
    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true) =>
        WrapPair(NativeMethods.dt_topk(Handle, k, dim, largest ? 1 : 0, out var v, out var i), v, i, "topk", this);

    /// <summary>The index of the maximum: of the flattened tensor when <paramref name="dim"/> is null, else along it.</summary>
    public Tensor Argmax(long? dim = null, bool keepDim = false) => dim is long d
        ? Wrap(NativeMethods.dt_argmax(Handle, d, keepDim ? 1 : 0, out var r), r, "argmax", this)
        : Wrap(NativeMethods.dt_argmax_all(Handle, out var r2), r2, "argmax", this);

    /// <summary>The index of the minimum: of the flattened tensor when <paramref name="dim"/> is null, else along it.</summary>
    public Tensor Argmin(long? dim = null, bool keepDim = false) => dim is long d
        ? Wrap(NativeMethods.dt_argmin(Handle, d, keepDim ? 1 : 0, out var r), r, "argmin", this)
        : Wrap(NativeMethods.dt_argmin_all(Handle, out var r2), r2, "argmin", this);

    /// <summary>The product of all elements (<paramref name="dim"/> null) or along <paramref name="dim"/>.</summary>
    public Tensor Prod(long? dim = null, bool keepDim = false) => dim is long d
        ? Wrap(NativeMethods.dt_prod(Handle, d, keepDim ? 1 : 0, out var r), r, "prod", this)
        : Wrap(NativeMethods.dt_prod_all(Handle, out var r2), r2, "prod", this);

    /// <summary>Running sums along <paramref name="dim"/>: out[i] = Σ_{j ≤ i} x[j].</summary>
    public Tensor CumSum(long dim) => Wrap(NativeMethods.dt_cumsum(Handle, dim, out var r), r, "cumsum", this);

    /// <summary>Running products along <paramref name="dim"/>: out[i] = Π_{j ≤ i} x[j] (e.g. ᾱ_t from α_t).</summary>
    public Tensor CumProd(long dim) => Wrap(NativeMethods.dt_cumprod(Handle, dim, out var r), r, "cumprod", this);

    /// <summary>True (a 0-dimensional bool tensor) when every element is nonzero.</summary>
    public Tensor All() => Wrap(NativeMethods.dt_all_all(Handle, out var r), r, "all", this);

    /// <summary>True along <paramref name="dim"/> where every element is nonzero.</summary>
    public Tensor All(long dim, bool keepDim = false) => Wrap(NativeMethods.dt_all_dim(Handle, dim, keepDim ? 1 : 0, out var r), r, "all", this);

    /// <summary>True (a 0-dimensional bool tensor) when some element is nonzero.</summary>
    public Tensor Any() => Wrap(NativeMethods.dt_any_all(Handle, out var r), r, "any", this);

    /// <summary>True along <paramref name="dim"/> where some element is nonzero.</summary>
    public Tensor Any(long dim, bool keepDim = false) => Wrap(NativeMethods.dt_any_dim(Handle, dim, keepDim ? 1 : 0, out var r), r, "any", this);

    private static long[] Longs(int[] dims)
    {
        var d = new long[dims.Length];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = dims[i];
        }
        return d;
    }
}
