namespace Diffusion.Tensors;

/// <summary>How <see cref="Tensor.Pad"/> fills the new border.</summary>
public enum PadMode
{
    /// <summary>A constant value.</summary>
    Constant = 0,

    /// <summary>Mirror image without repeating the edge (<c>abc|ba</c>).</summary>
    Reflect = 1,

    /// <summary>Repeats the edge value (<c>abc|cc</c>).</summary>
    Replicate = 2,

    /// <summary>Wraps around (<c>abc|ab</c>).</summary>
    Circular = 3,
}

public sealed partial class Tensor
{
    /// <summary>A view with a new shape over the same storage (needs compatible strides; see <see cref="Reshape"/>).</summary>
    public unsafe Tensor View(params long[] shape)
    {
        fixed (long* p = shape)
        {
            return Wrap(NativeMethods.dt_view(Handle, p, shape.Length, out var r), r, "view", this);
        }
    }

    /// <summary>A view with the dimensions reordered: result dim i is input dim <c>dims[i]</c>.</summary>
    public unsafe Tensor Permute(params long[] dims)
    {
        fixed (long* p = dims)
        {
            return Wrap(NativeMethods.dt_permute(Handle, p, dims.Length, out var r), r, "permute", this);
        }
    }

    /// <summary>A view with dimensions <paramref name="dim0"/> and <paramref name="dim1"/> swapped.</summary>
    public Tensor Transpose(long dim0, long dim1) => Wrap(NativeMethods.dt_transpose(Handle, dim0, dim1, out var r), r, "transpose", this);

    /// <summary>Merges dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(NativeMethods.dt_flatten(Handle, startDim, endDim, out var r), r, "flatten", this);

    /// <summary>Splits dimension <paramref name="dim"/> into <paramref name="sizes"/> (the inverse of <see cref="Flatten"/>).</summary>
    public unsafe Tensor Unflatten(long dim, params long[] sizes)
    {
        fixed (long* p = sizes)
        {
            return Wrap(NativeMethods.dt_unflatten(Handle, dim, p, sizes.Length, out var r), r, "unflatten", this);
        }
    }

    /// <summary>A view with a new dimension of size 1 at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(long dim) => Wrap(NativeMethods.dt_unsqueeze(Handle, dim, out var r), r, "unsqueeze", this);

    /// <summary>A view without dimension <paramref name="dim"/> if it has size 1; without every size-1 dimension when null.</summary>
    public Tensor Squeeze(long? dim = null) => dim is long d
        ? Wrap(NativeMethods.dt_squeeze_dim(Handle, d, out var r), r, "squeeze", this)
        : Wrap(NativeMethods.dt_squeeze(Handle, out var r2), r2, "squeeze", this);

    /// <summary>The same values laid out densely (the same data when already contiguous).</summary>
    public Tensor Contiguous() => Wrap(NativeMethods.dt_contiguous(Handle, out var r), r, "contiguous", this);

    /// <summary>A copy with its own storage.</summary>
    public Tensor Clone() => Wrap(NativeMethods.dt_clone(Handle, out var r), r, "clone", this);

    /// <summary>A view of <paramref name="length"/> entries of dimension <paramref name="dim"/> from <paramref name="start"/>.</summary>
    public Tensor Narrow(long dim, long start, long length) => Wrap(NativeMethods.dt_narrow(Handle, dim, start, length, out var r), r, "narrow", this);

    /// <summary>A view <c>x[..., start:end:step, ...]</c> along <paramref name="dim"/>; null bounds mean the ends, negatives count from the end.</summary>
    public Tensor Slice(long dim, long? start, long? end, long step = 1) =>
        Wrap(NativeMethods.dt_slice(Handle, dim, start.HasValue ? 1 : 0, start ?? 0, end.HasValue ? 1 : 0, end ?? 0, step, out var r), r, "slice", this);

    /// <summary>A view of entry <paramref name="index"/> of dimension <paramref name="dim"/>, which is removed.</summary>
    public Tensor Select(long dim, long index) => Wrap(NativeMethods.dt_select(Handle, dim, index, out var r), r, "select", this);

    /// <summary>A broadcast view to <paramref name="shape"/> (−1 keeps a size); no data is copied.</summary>
    public unsafe Tensor Expand(params long[] shape)
    {
        fixed (long* p = shape)
        {
            return Wrap(NativeMethods.dt_expand(Handle, p, shape.Length, out var r), r, "expand", this);
        }
    }

    /// <summary>A broadcast view to the shape of <paramref name="other"/>.</summary>
    public Tensor ExpandAs(Tensor other) => Expand(other.Shape);

    /// <summary>Tiles the tensor <c>repeats[i]</c> times along each dimension (copies data).</summary>
    public unsafe Tensor Repeat(params long[] repeats)
    {
        fixed (long* p = repeats)
        {
            return Wrap(NativeMethods.dt_repeat(Handle, p, repeats.Length, out var r), r, "repeat", this);
        }
    }

    /// <summary>Reverses the order along each of <paramref name="dims"/>.</summary>
    public unsafe Tensor Flip(params long[] dims)
    {
        fixed (long* p = dims)
        {
            return Wrap(NativeMethods.dt_flip(Handle, p, dims.Length, out var r), r, "flip", this);
        }
    }

    /// <summary>Shifts elements cyclically by <c>shifts[i]</c> along <c>dims[i]</c>.</summary>
    public unsafe Tensor Roll(long[] shifts, long[] dims)
    {
        fixed (long* ps = shifts)
        fixed (long* pd = dims)
        {
            return Wrap(NativeMethods.dt_roll(Handle, ps, shifts.Length, pd, dims.Length, out var r), r, "roll", this);
        }
    }

    /// <summary>Shifts elements cyclically by <paramref name="shift"/> along <paramref name="dim"/>.</summary>
    public Tensor Roll(long shift, long dim) => Roll([shift], [dim]);

    /// <summary>
    /// Pads the last dimensions (<c>torch.nn.functional.pad</c>): <paramref name="pads"/> lists (before, after) pairs
    /// starting from the last dimension, e.g. <c>[left, right, top, bottom]</c>.
    /// </summary>
    public unsafe Tensor Pad(long[] pads, PadMode mode = PadMode.Constant, double value = 0)
    {
        fixed (long* p = pads)
        {
            return Wrap(NativeMethods.dt_pad(Handle, p, pads.Length, (int)mode, value, out var r), r, "pad", this);
        }
    }

    /// <summary>Splits into <paramref name="chunks"/> views of (nearly) equal size along <paramref name="dim"/>; the last may be smaller, and there may be fewer.</summary>
    public Tensor[] Chunk(long chunks, long dim = 0) =>
        WrapList(NativeMethods.dt_chunk(Handle, chunks, dim, out var list, out int count), list, count, "chunk", this);

    /// <summary>Splits into views of <paramref name="size"/> entries along <paramref name="dim"/>; the last may be smaller.</summary>
    public Tensor[] Split(long size, long dim = 0) =>
        WrapList(NativeMethods.dt_split(Handle, size, dim, out var list, out int count), list, count, "split", this);

    /// <summary>Splits into views of the given <paramref name="sizes"/> along <paramref name="dim"/> (they must sum to its size).</summary>
    public unsafe Tensor[] Split(long[] sizes, long dim = 0)
    {
        fixed (long* p = sizes)
        {
            return WrapList(NativeMethods.dt_split_sizes(Handle, p, sizes.Length, dim, out var list, out int count), list, count, "split", this);
        }
    }

    /// <summary>The slices along <paramref name="dim"/>, each without that dimension.</summary>
    public Tensor[] Unbind(long dim = 0) =>
        WrapList(NativeMethods.dt_unbind(Handle, dim, out var list, out int count), list, count, "unbind", this);

    /// <summary>Turns a shim-allocated list of handles into tensors and frees the list.</summary>
    internal static unsafe Tensor[] WrapList(int rc, IntPtr list, int count, string op, Tensor? a = null)
    {
        if (rc != 0)
        {
            throw TorchException.FromLastError(op, [a]);
        }
        try
        {
            var items = (IntPtr*)list;
            var result = new Tensor[count];
            for (int i = 0; i < count; i++)
            {
                result[i] = new Tensor(items[i]);
            }
            return result;
        }
        finally
        {
            NativeMethods.dt_free_list(list);
        }
    }

    /// <summary>Turns a shim call with two results into a pair of tensors.</summary>
    internal static (Tensor, Tensor) WrapPair(int rc, IntPtr first, IntPtr second, string op, Tensor? a = null, Tensor? b = null)
    {
        if (rc != 0)
        {
            throw TorchException.FromLastError(op, [a, b]);
        }
        return (new Tensor(first), new Tensor(second));
    }
}

public static partial class Torch
{
    /// <summary>Joins tensors along an existing dimension <paramref name="dim"/>; the other sizes must match.</summary>
    public static unsafe Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var raw = RawHandles(tensors);
        fixed (IntPtr* p = raw)
        {
            int rc = NativeMethods.dt_cat(p, raw.Length, dim, out var r);
            GC.KeepAlive(tensors);
            return rc == 0 ? Tensor.Wrap(rc, r, "cat") : throw ListError("cat", tensors);
        }
    }

    /// <summary>Joins equally shaped tensors along a new dimension <paramref name="dim"/>.</summary>
    public static unsafe Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var raw = RawHandles(tensors);
        fixed (IntPtr* p = raw)
        {
            int rc = NativeMethods.dt_stack(p, raw.Length, dim, out var r);
            GC.KeepAlive(tensors);
            return rc == 0 ? Tensor.Wrap(rc, r, "stack") : throw ListError("stack", tensors);
        }
    }

    /// <summary>The raw native pointers of a list of tensors (the caller keeps the list alive across the call).</summary>
    internal static IntPtr[] RawHandles(IReadOnlyList<Tensor> tensors)
    {
        var raw = new IntPtr[tensors.Count];
        for (int i = 0; i < raw.Length; i++)
        {
            raw[i] = tensors[i].Handle.DangerousGetHandle();
        }
        return raw;
    }

    /// <summary>A TorchException for an op over a list of tensors, naming every operand's shape.</summary>
    internal static TorchException ListError(string op, IReadOnlyList<Tensor> tensors)
    {
        string native = NativeMethods.LastError();
        string shapes = string.Join(", ", tensors.Select(t => Tensor.FormatShape(t.Shape)));
        return new TorchException($"{op} failed for shapes {shapes}: {native}") { NativeMessage = native, Operation = op };
    }
}
