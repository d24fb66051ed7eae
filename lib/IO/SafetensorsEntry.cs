using Diffusion.Tensors;

namespace Diffusion.IO;

/// <summary>One tensor as a safetensors header describes it, without its data.</summary>
/// <param name="Name">The key.</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The sizes (empty for a scalar).</param>
/// <param name="Begin">First byte of the data, counted from the start of the data section.</param>
/// <param name="End">One past the last byte.</param>
public sealed record SafetensorsEntry(string Name, DType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Bytes of data.</summary>
    public long ByteCount => End - Begin;

    /// <summary>The format's spelling of the dtype, e.g. <c>F32</c>.</summary>
    public string DTypeCode => SafetensorsDTypes.Code(DType);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {DTypeCode}{Tensor.FormatShape(Shape)}";
}

/// <summary>A safetensors header: the tensors it lists (sorted by name) and its free-form metadata.</summary>
/// <param name="Tensors">The entries, sorted by name (ordinal).</param>
/// <param name="Metadata">The <c>__metadata__</c> string map (empty when absent).</param>
/// <param name="DataStart">The file offset where the data section begins (8 + header length).</param>
public sealed record SafetensorsHeader(IReadOnlyList<SafetensorsEntry> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataStart);

/// <summary>The safetensors dtype codes this library reads and writes.</summary>
public static class SafetensorsDTypes
{
    /// <summary>The codes, in the order the error messages list them.</summary>
    public static IReadOnlyList<string> Supported { get; } = ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL"];

    /// <summary>The code that stores <paramref name="dtype"/>.</summary>
    public static string Code(DType dtype) => dtype switch
    {
        DType.Float64 => "F64",
        DType.Float32 => "F32",
        DType.Float16 => "F16",
        DType.BFloat16 => "BF16",
        DType.Int64 => "I64",
        DType.Int32 => "I32",
        DType.Int16 => "I16",
        DType.Int8 => "I8",
        DType.UInt8 => "U8",
        DType.Bool => "BOOL",
        _ => throw new NotSupportedException($"safetensors has no code for {dtype.TorchName()}"),
    };

    /// <summary>The <see cref="DType"/> for a code, or false for codes this library does not handle (U16, F8_E4M3, ...).</summary>
    public static bool TryParse(string code, out DType dtype)
    {
        DType? found = code switch
        {
            "F64" => DType.Float64,
            "F32" => DType.Float32,
            "F16" => DType.Float16,
            "BF16" => DType.BFloat16,
            "I64" => DType.Int64,
            "I32" => DType.Int32,
            "I16" => DType.Int16,
            "I8" => DType.Int8,
            "U8" => DType.UInt8,
            "BOOL" => DType.Bool,
            _ => null,
        };
        dtype = found ?? default;
        return found.HasValue;
    }
}
