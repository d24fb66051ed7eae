using System.Globalization;
using Diffusion.IO;
using static TorchSharp.torch;

namespace Diffusion.Pretrained;

/// <summary>
/// Writes a <see cref="SamplingResult"/> as the sampling command does: <c>FILE.safetensors</c> (tensor <c>samples</c>
/// [N, C, H, W] float32 in the model's data range, with the sampler, NFE, seconds and range as metadata) and <c>FILE.png</c>
/// (an <see cref="ImageGrid"/> of ⌈√N⌉ columns, the data range mapped to black … white).
/// </summary>
public static class SampleFiles
{
    /// <summary>The name of the tensor in the safetensors file.</summary>
    public const string TensorName = "samples";

    /// <summary>
    /// Writes both files for <paramref name="output"/> (a trailing <c>.safetensors</c> or <c>.png</c> is dropped first; the
    /// folder is created); returns their paths.
    /// </summary>
    public static (string Tensors, string Png) Write(string output, SamplingResult result, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        ArgumentNullException.ThrowIfNull(result);
        string stem = Stem(output);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(stem));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }
        var inv = CultureInfo.InvariantCulture;
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sampler"] = result.Description,
            ["nfe"] = result.Nfe.ToString(inv),
            ["seconds"] = result.Seconds.ToString("0.###", inv),
            ["range"] = string.Create(inv, $"[{result.Range.Low}, {result.Range.High}]"),
        };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            meta[key] = value;
        }
        string tensors = stem + ".safetensors", png = stem + ".png";
        Safetensors.Save(tensors, new Dictionary<string, Tensor> { [TensorName] = result.Samples }, meta);
        int n = (int)result.Samples.shape[0];
        ImageGrid.Save(png, result.Samples, nrow: Math.Max(1, (int)Math.Ceiling(Math.Sqrt(n))), range: result.Range);
        return (tensors, png);
    }

    /// <summary>The output path without a trailing <c>.safetensors</c> or <c>.png</c>.</summary>
    public static string Stem(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        string ext = Path.GetExtension(output);
        return ext.Equals(".safetensors", StringComparison.OrdinalIgnoreCase) || ext.Equals(".png", StringComparison.OrdinalIgnoreCase)
            ? output[..^ext.Length] : output;
    }
}
