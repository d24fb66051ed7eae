using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Diffusion.Pretrained;

/// <summary>
/// The diffusion process a model was trained for, as data: the <c>process</c> section of its model card, written by training
/// (the recipe puts it in the run's <c>RunDescription</c>) and read back by <see cref="FromJson"/>, as diffusers keeps
/// <c>scheduler_config.json</c> beside the weights. One subtype per kind, named by the section's <c>kind</c>:
/// <see cref="DdpmProcess"/> (<c>ddpm</c>), <see cref="VeSdeProcess"/> (<c>ve-sde</c>), <see cref="ColdProcess"/> (<c>cold</c>). Each
/// makes the objects the samplers take (a <c>NoiseSchedule</c>, a <c>VeSde</c>, a <c>Degradation</c>), so nothing rebuilds a
/// process from a constant or a name.
/// </summary>
/// <remarks>
/// Cards written before the section existed hold the process as a line of prose (<c>"DDPM: T=1000, linear beta 1e-4..0.02, …"</c>)
/// or nothing; <see cref="FromJson"/> reads those through <see cref="LegacyProcess"/>, the one place that parses them.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(DdpmProcess), DdpmProcess.Kind)]
[JsonDerivedType(typeof(VeSdeProcess), VeSdeProcess.Kind)]
[JsonDerivedType(typeof(ColdProcess), ColdProcess.Kind)]
public abstract record ModelProcess
{
    /// <summary>The kinds a card may name, in the order above.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [DdpmProcess.Kind, VeSdeProcess.Kind, ColdProcess.Kind];

    /// <summary>The data range the model sees and its samples come in: [−1, 1] or [0, 1] (written <c>[low, high]</c>).</summary>
    public DataRange DataRange { get; init; } = DataRange.Symmetric;

    /// <summary>The process in words, for people reading the card (the whole card before this section existed).</summary>
    public string? Description { get; init; }

    /// <summary>The section's JSON (camelCase, <c>kind</c> first), as it goes into a card.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, Options)!.AsObject();

    /// <summary>
    /// The process of a card's <c>process</c> section: an object of one of <see cref="Kinds"/> (checked, see
    /// <see cref="Validate"/>), or, on a card written before the section existed, its prose or nothing, read by
    /// <see cref="LegacyProcess.Read"/> with the card's architecture and its config.
    /// </summary>
    /// <param name="section">The card's <c>process</c> value (null when the card has none).</param>
    /// <param name="architecture">The card's architecture (<c>UNet</c>, <c>NcsnPp</c>), for old cards.</param>
    /// <param name="architectureConfig">The card's architecture config, for old cards (an NCSN++ config holds its σ's).</param>
    /// <param name="source">Names the card in messages.</param>
    /// <exception cref="InvalidDataException">The section is not a process this library knows; the message says what was wrong.</exception>
    public static ModelProcess FromJson(JsonNode? section, string architecture, JsonNode? architectureConfig, string source = "model card")
    {
        if (section is null || section.GetValueKind() == JsonValueKind.String)
        {
            return LegacyProcess.Read(section?.GetValue<string>(), architecture, architectureConfig, source);
        }
        if (section is not JsonObject obj)
        {
            throw new InvalidDataException($"{source}: \"process\" must be an object with a \"kind\" ({string.Join(", ", Kinds)}), got {section.GetValueKind()}");
        }
        string? kind = obj["kind"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (kind is null || !Kinds.Contains(kind))
        {
            throw new InvalidDataException($"{source}: process kind {(kind is null ? "missing" : $"'{kind}'")}; this library knows {string.Join(", ", Kinds)}");
        }
        ModelProcess process;
        try
        {
            process = obj.Deserialize<ModelProcess>(Options) ?? throw new InvalidDataException($"{source}: \"process\" is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the {kind} process section is not valid ({e.Message})", e);
        }
        process.Validate(source);
        return process;
    }

    /// <summary>Checks the values (ranges, counts); throws <see cref="InvalidDataException"/> naming the card and the value.</summary>
    public virtual void Validate(string source = "model card")
    {
        if (!(DataRange.Low < DataRange.High))
        {
            throw new InvalidDataException($"{source}: process dataRange must be [low, high] with low < high, got {DataRange}");
        }
    }

    /// <summary>camelCase, indented, enums as camelCase strings, the <c>kind</c> discriminator read wherever it stands.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        AllowOutOfOrderMetadataProperties = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>The range of a model's data, <c>[low, high]</c> in JSON.</summary>
/// <param name="Low">The smallest value (−1 or 0).</param>
/// <param name="High">The largest value (1).</param>
[JsonConverter(typeof(DataRangeConverter))]
public readonly record struct DataRange(double Low, double High)
{
    /// <summary>[−1, 1], the DDPM's and the cold models' range.</summary>
    public static DataRange Symmetric { get; } = new(-1, 1);

    /// <summary>[0, 1], an uncentred score model's range.</summary>
    public static DataRange Unit { get; } = new(0, 1);

    /// <summary>The pair (low, high).</summary>
    public (double Low, double High) ToTuple() => (Low, High);

    /// <inheritdoc/>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{Low}, {High}]");
}

/// <summary>Reads and writes a <see cref="DataRange"/> as <c>[low, high]</c>.</summary>
internal sealed class DataRangeConverter : JsonConverter<DataRange>
{
    public override DataRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var values = JsonSerializer.Deserialize<double[]>(ref reader, options);
        return values is { Length: 2 } ? new DataRange(values[0], values[1]) : throw new JsonException("dataRange must be [low, high]");
    }

    public override void Write(Utf8JsonWriter writer, DataRange value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Low);
        writer.WriteNumberValue(value.High);
        writer.WriteEndArray();
    }
}
