namespace Diffusion.Tensors;

public sealed partial class Tensor
{
    /// <summary>The entries of dimension <paramref name="dim"/> listed by the int64 <paramref name="index"/> (a copy).</summary>
    public Tensor IndexSelect(long dim, Tensor index) => Wrap(NativeMethods.dt_index_select(Handle, dim, index.Handle, out var r), r, "index_select", this, index);

    /// <summary>Picks along <paramref name="dim"/> by an int64 index of the same rank.</summary>
    /// <remarks>For dim 1: out[i][j][k] = x[i][index[i][j][k]][k].</remarks>
    public Tensor Gather(long dim, Tensor index) => Wrap(NativeMethods.dt_gather(Handle, dim, index.Handle, out var r), r, "gather", this, index);

    /// <summary>A copy with <paramref name="src"/> added at the positions <paramref name="index"/> names along <paramref name="dim"/>.</summary>
    /// <remarks>For dim 0: out[index[i][j]][j] += src[i][j].</remarks>
    public Tensor ScatterAdd(long dim, Tensor index, Tensor src) => Wrap(NativeMethods.dt_scatter_add(Handle, dim, index.Handle, src.Handle, out var r), r, "scatter_add", this, index, src);

    /// <summary>A copy with <paramref name="src"/> written at the positions <paramref name="index"/> names along <paramref name="dim"/>.</summary>
    /// <remarks>For dim 0: out[index[i][j]][j] = src[i][j].</remarks>
    public Tensor Scatter(long dim, Tensor index, Tensor src) => Wrap(NativeMethods.dt_scatter(Handle, dim, index.Handle, src.Handle, out var r), r, "scatter", this, index, src);

    /// <summary>A copy with the slices of <paramref name="src"/> added at the entries <paramref name="index"/> lists along <paramref name="dim"/>.</summary>
    public Tensor IndexAdd(long dim, Tensor index, Tensor src) => Wrap(NativeMethods.dt_index_add(Handle, dim, index.Handle, src.Handle, out var r), r, "index_add", this, index, src);

    /// <summary>The elements where the bool <paramref name="mask"/> is true, as a 1-D tensor.</summary>
    public Tensor MaskedSelect(Tensor mask) => Wrap(NativeMethods.dt_masked_select(Handle, mask.Handle, out var r), r, "masked_select", this, mask);

    /// <summary>The indices of the nonzero elements, one row per element (int64, shape [count, dim]).</summary>
    public Tensor Nonzero() => Wrap(NativeMethods.dt_nonzero(Handle, out var r), r, "nonzero", this);

    /// <summary>One-hot encoding of an int64 tensor of class ids (int64 result with a new last dimension).</summary>
    public Tensor OneHot(long numClasses = -1) => Wrap(NativeMethods.dt_one_hot(Handle, numClasses, out var r), r, "one_hot", this);
}
