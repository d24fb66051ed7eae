using Diffusion.Engine;
using static TorchSharp.torch;

namespace Diffusion.IO;

/// <summary>One tensor as a safetensors header describes it, without its data.</summary>
/// <param name="Name">The key.</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The sizes (empty for a scalar).</param>
/// <param name="Begin">First byte of the data, counted from the start of the data section.</param>
/// <param name="End">One past the last byte.</param>
public sealed record SafetensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Bytes of data.</summary>
    public long ByteCount => End - Begin;

    /// <summary>The format's spelling of the dtype, e.g. <c>F32</c>.</summary>
    public string DTypeCode => SafetensorsDTypes.Code(DType);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {DTypeCode}{Shapes.Format(Shape)}";
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
    public static string Code(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"safetensors has no code for {dtype} tensors (supported: {string.Join(", ", Supported)})"),
    };

    /// <summary>The <see cref="ScalarType"/> for a code, or false for codes this library does not handle (U16, F8_E4M3, ...).</summary>
    public static bool TryParse(string code, out ScalarType dtype)
    {
        ScalarType? found = code switch
        {
            "F64" => ScalarType.Float64,
            "F32" => ScalarType.Float32,
            "F16" => ScalarType.Float16,
            "BF16" => ScalarType.BFloat16,
            "I64" => ScalarType.Int64,
            "I32" => ScalarType.Int32,
            "I16" => ScalarType.Int16,
            "I8" => ScalarType.Int8,
            "U8" => ScalarType.Byte,
            "BOOL" => ScalarType.Bool,
            _ => null,
        };
        dtype = found ?? default;
        return found.HasValue;
    }

    /// <summary>Bytes per element of <paramref name="dtype"/> (one of the supported types).</summary>
    public static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new NotSupportedException($"safetensors has no code for {dtype} tensors (supported: {string.Join(", ", Supported)})"),
    };
}
