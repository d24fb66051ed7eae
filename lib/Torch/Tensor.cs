using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>
/// An n-dimensional array held by libtorch. Every operation returns a new tensor that the caller owns and
/// must dispose (directly, or through a <see cref="TensorScope"/>); no operation disposes its inputs.
/// Using a tensor after it was disposed throws <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;
    private long[]? _shape;

    internal Tensor(IntPtr raw)
    {
        _handle = new TensorHandle(raw);
        TensorScope.Current?.Adopt(this);
    }

    /// <summary>The scope that will free this tensor, if any.</summary>
    internal TensorScope? Owner { get; set; }

    /// <summary>Native tensors alive right now (all threads): tests use it to prove loops do not leak.</summary>
    public static long LiveCount => TensorHandle.Live;

    /// <summary>
    /// The tensors still referenced somewhere: collects garbage and runs pending finalizers first, so that temporaries
    /// dropped without <c>Dispose</c> (say the tensor of <c>x.Min().ToDouble()</c>) are freed and no longer counted.
    /// Notebooks end with it to show that everything they own was disposed; tests use it to compare counts.
    /// </summary>
    public static long ReachableCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TensorHandle.Live;
    }

    /// <summary>True once the tensor was disposed.</summary>
    public bool IsDisposed => _handle.IsClosed;

    internal TensorHandle Handle
    {
        get
        {
            if (_handle.IsClosed)
            {
                throw new ObjectDisposedException(nameof(Tensor),
                    "This tensor was disposed (by Dispose or by the TensorScope that owned it). " +
                    "Keep tensors that must outlive a scope with scope.Keep(tensor).");
            }
            return _handle;
        }
    }

    /// <summary>The sizes of each dimension, e.g. <c>[128, 1, 28, 28]</c>.</summary>
    public unsafe long[] Shape
    {
        get
        {
            if (_shape is null)
            {
                var h = Handle;
                int n = NativeMethods.dt_dim(h);
                var dims = new long[n];
                fixed (long* p = dims)
                {
                    Check(NativeMethods.dt_shape(h, p, n), "shape");
                }
                _shape = dims;
            }
            return (long[])_shape.Clone();
        }
    }

    /// <summary>The number of dimensions.</summary>
    public int Dim => NativeMethods.dt_dim(Handle);

    /// <summary>The size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        int d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), $"dimension {dim} is out of range for a tensor of shape {FormatShape(shape)}");
        }
        return shape[d];
    }

    /// <summary>The number of elements.</summary>
    public long NumEl => NativeMethods.dt_numel(Handle);

    /// <summary>The element type.</summary>
    public DType DType => (DType)NativeMethods.dt_dtype(Handle);

    /// <summary>The device that holds the data.</summary>
    public Device Device
    {
        get
        {
            var h = Handle;
            return new Device((DeviceType)NativeMethods.dt_device_type(h), NativeMethods.dt_device_index(h));
        }
    }

    /// <summary>True when the elements are laid out densely in row-major order.</summary>
    public bool IsContiguous => NativeMethods.dt_is_contiguous(Handle) != 0;

    /// <summary>Frees the native tensor now. Safe to call twice.</summary>
    public void Dispose()
    {
        _handle.Dispose();
    }

    /// <summary>A second handle to the same data (an in-place change through one is seen by the other).</summary>
    public Tensor Alias() => Wrap(NativeMethods.dt_alias(Handle, out var r), r, "alias", this);

    /// <summary>A copy on <paramref name="device"/> (the same tensor's data when it is already there).</summary>
    public Tensor To(Device device) => Wrap(NativeMethods.dt_to(Handle, (int)DType, (int)device.Type, device.Index, out var r), r, "to", this);

    /// <summary>A copy converted to <paramref name="dtype"/>.</summary>
    public Tensor To(DType dtype) => Wrap(NativeMethods.dt_to(Handle, (int)dtype, (int)Device.Type, Device.Index, out var r), r, "to", this);

    /// <summary>A copy converted to <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public Tensor To(DType dtype, Device device) => Wrap(NativeMethods.dt_to(Handle, (int)dtype, (int)device.Type, device.Index, out var r), r, "to", this);

    /// <summary>Copies the elements (row-major) into a new .NET array; <typeparamref name="T"/> must match <see cref="DType"/>.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var want = DTypeExtensions.Of<T>();
        if (want != DType)
        {
            throw new InvalidOperationException($"ToArray<{typeof(T).Name}> needs a {want.TorchName()} tensor but this one is {DType.TorchName()}; convert first with .To(DType.{want}).");
        }
        var result = new T[NumEl];
        fixed (T* p = result)
        {
            Check(NativeMethods.dt_copy_to_host(Handle, p, (long)result.Length * sizeof(T)), "ToArray", this);
        }
        return result;
    }

    /// <summary>The value of a one-element tensor as a double.</summary>
    public double ToDouble()
    {
        Check(NativeMethods.dt_item_double(Handle, out double v), "item", this);
        return v;
    }

    /// <summary>The value of a one-element tensor as a float.</summary>
    public float ToSingle() => (float)ToDouble();

    /// <summary>The value of a one-element integer tensor.</summary>
    public long ToInt64()
    {
        Check(NativeMethods.dt_item_int64(Handle, out long v), "item", this);
        return v;
    }

    /// <summary>Shape, dtype and device, e.g. <c>Tensor[128, 1, 28, 28] float32 cpu</c>.</summary>
    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor{FormatShape(Shape)} {DType.ToString().ToLowerInvariant()} {Device}";

    /// <summary>The elements printed as libtorch prints them.</summary>
    public string ToStringWithData()
    {
        Check(NativeMethods.dt_to_string(Handle, out IntPtr text), "print", this);
        try
        {
            return Marshal.PtrToStringUTF8(text) ?? "";
        }
        finally
        {
            NativeMethods.dt_free_string(text);
        }
    }

    /// <summary>Formats a shape the way errors print it: <c>[2, 3]</c>.</summary>
    public static string FormatShape(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Turns a shim result into a new tensor, or throws a <see cref="TorchException"/> naming the op and operand shapes.</summary>
    internal static Tensor Wrap(int rc, IntPtr result, string op, Tensor? a = null, Tensor? b = null, Tensor? c = null)
    {
        if (rc != 0)
        {
            throw TorchException.FromLastError(op, [a, b, c]);
        }
        return new Tensor(result);
    }

    /// <summary>Throws a <see cref="TorchException"/> when a shim call failed.</summary>
    internal static void Check(int rc, string op, Tensor? a = null, Tensor? b = null, Tensor? c = null)
    {
        if (rc != 0)
        {
            throw TorchException.FromLastError(op, [a, b, c]);
        }
    }
}
