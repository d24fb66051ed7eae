namespace Diffusion.Tensors;

/// <summary>Element types of a tensor. The values are libtorch's <c>c10::ScalarType</c> codes.</summary>
public enum DType
{
    /// <summary>8-bit unsigned integer (torch.uint8).</summary>
    UInt8 = 0,

    /// <summary>8-bit signed integer (torch.int8).</summary>
    Int8 = 1,

    /// <summary>16-bit signed integer (torch.int16).</summary>
    Int16 = 2,

    /// <summary>32-bit signed integer (torch.int32).</summary>
    Int32 = 3,

    /// <summary>64-bit signed integer (torch.int64), the type of indices.</summary>
    Int64 = 4,

    /// <summary>IEEE half precision (torch.float16).</summary>
    Float16 = 5,

    /// <summary>IEEE single precision (torch.float32), the default.</summary>
    Float32 = 6,

    /// <summary>IEEE double precision (torch.float64), used for closed-form checks.</summary>
    Float64 = 7,

    /// <summary>Boolean (torch.bool), the type of masks and comparisons.</summary>
    Bool = 11,

    /// <summary>Brain floating point (torch.bfloat16).</summary>
    BFloat16 = 15,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.UInt8 or DType.Int8 or DType.Bool => 1,
        DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>True for the floating-point types (the ones autograd can differentiate).</summary>
    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.Float16 or DType.Float32 or DType.Float64 or DType.BFloat16;

    /// <summary>The PyTorch spelling, e.g. <c>torch.float32</c>.</summary>
    public static string TorchName(this DType dtype) => "torch." + dtype.ToString().ToLowerInvariant();

    /// <summary>The <see cref="DType"/> that stores .NET type <typeparamref name="T"/>.</summary>
    public static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(short)) return DType.Int16;
        if (typeof(T) == typeof(byte)) return DType.UInt8;
        if (typeof(T) == typeof(sbyte)) return DType.Int8;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        if (typeof(T) == typeof(Half)) return DType.Float16;
        throw new NotSupportedException($"no tensor dtype stores {typeof(T).Name}; use float, double, long, int, short, byte, sbyte, bool or Half");
    }
}
