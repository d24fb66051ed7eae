using System.Text.Json.Serialization;

namespace Diffusion.Engine;

/// <summary>
/// The floating-point precision a network computes in. The weights, the optimizer's state, the loss and the EMA stay
/// float32 in every case; <see cref="BFloat16"/> only changes which precision LibTorch's autocast gives the layers that
/// profit from it (see <see cref="Autocast"/>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Precision>))]
public enum Precision
{
    /// <summary>Everything in float32 (IEEE single precision, 24-bit significand).</summary>
    Float32,

    /// <summary>
    /// Mixed precision: convolutions, linear layers and matrix products in bfloat16 (8-bit significand, float32's range),
    /// with float32 accumulation inside them; everything else as the inputs come.
    /// </summary>
    BFloat16,
}

/// <summary>Names of <see cref="Precision"/> for command lines, cards and benchmarks.</summary>
public static class Precisions
{
    /// <summary>The name a command line takes and a card records: <c>fp32</c> or <c>bf16</c>.</summary>
    public static string Name(this Precision precision) => precision switch
    {
        Precision.Float32 => "fp32",
        Precision.BFloat16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision"),
    };

    /// <summary>Parses <c>fp32</c> / <c>float32</c> or <c>bf16</c> / <c>bfloat16</c> (any case).</summary>
    /// <exception cref="ArgumentException">Anything else; the message lists the names.</exception>
    public static Precision Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToLowerInvariant() switch
        {
            "fp32" or "float32" => Precision.Float32,
            "bf16" or "bfloat16" => Precision.BFloat16,
            _ => throw new ArgumentException($"unknown precision '{text}': use fp32 (float32 throughout) or bf16 (bfloat16 autocast, float32 weights)", nameof(text)),
        };
    }
}
