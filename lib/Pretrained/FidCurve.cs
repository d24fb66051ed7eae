using System.Text.Json;
using System.Text.Json.Serialization;
using Diffusion.IO;

namespace Diffusion.Pretrained;

/// <summary>One point of a run's FID curve: the EMA weights of the checkpoint at <paramref name="Step"/>, evaluated.</summary>
/// <param name="Step">Training steps of the evaluated checkpoint.</param>
/// <param name="Fid">FID of <paramref name="Samples"/> samples against as many held-out real images.</param>
/// <param name="FidFloor">FID of two disjoint real sets of that size.</param>
/// <param name="Samples">Samples (and real images) per set.</param>
/// <param name="Sampler">The sampler, e.g. <c>ddim-50</c>.</param>
/// <param name="SamplingSeconds">Wall time spent sampling.</param>
/// <param name="Written">When the point was measured (UTC).</param>
/// <param name="Note">What the point stands for (a training stage, a model not shipped), written by hand; null when none.</param>
public sealed record FidCurvePoint(
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("fid")] double Fid,
    [property: JsonPropertyName("fid_floor")] double FidFloor,
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("sampler")] string Sampler,
    [property: JsonPropertyName("sampling_seconds")] double SamplingSeconds,
    [property: JsonPropertyName("written")] DateTime Written,
    [property: JsonPropertyName("note"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note = null);

/// <summary>
/// FID against training steps for a run still under way (<c>fid-curve.json</c> beside its checkpoint): a JSON array of
/// <see cref="FidCurvePoint"/>, ordered by step, one point per step (a re-evaluation replaces it).
/// </summary>
public static class FidCurve
{
    /// <summary>The file name inside a run's folder.</summary>
    public const string FileName = "fid-curve.json";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <summary>The points in <paramref name="path"/>, or none when the file does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is not a JSON array of points; the message names it.</exception>
    public static IReadOnlyList<FidCurvePoint> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return [];
        }
        try
        {
            return JsonSerializer.Deserialize<List<FidCurvePoint>>(File.ReadAllText(path), s_json)
                ?? throw new InvalidDataException($"{path}: empty FID curve");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a FID curve (a JSON array of {{step, fid, fid_floor, ...}}): {e.Message}", e);
        }
    }

    /// <summary>Adds the evaluation of the checkpoint at <paramref name="step"/> (replacing an earlier one of that step), atomically; returns the path.</summary>
    public static string Append(string path, long step, SampleQuality quality)
    {
        ArgumentNullException.ThrowIfNull(quality);
        var point = new FidCurvePoint(step, Math.Round(quality.Fid, 3), Math.Round(quality.FidFloor, 3), quality.Samples, quality.Sampler,
            Math.Round(quality.SamplingSeconds, 1), DateTime.UtcNow);
        var points = Load(path).Where(p => p.Step != step || p.Sampler != quality.Sampler).Append(point).OrderBy(p => p.Step).ToList();
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(points, s_json) + "\n");
        return path;
    }
}
