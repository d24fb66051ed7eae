using System.Text.Json;
using Diffusion.IO;

using Diffusion.Training;

namespace Diffusion.Pretrained;

/// <summary>
/// Reads a model card's <c>architectureConfig</c> for the loader (<see cref="TrainedModel"/>) with
/// every failure an <see cref="InvalidDataException"/> that names the card and what is wrong: a missing or mistyped
/// config, an invalid value, or a config too large for the weights file beside it (checked before the network is built,
/// so a crafted card cannot make the loader allocate billions of parameters).
/// </summary>
internal static class CardConfig
{
    /// <summary>
    /// Parses and validates the config of <paramref name="card"/> (read from <paramref name="cardPath"/>) and checks that
    /// <paramref name="weightsPath"/> holds at least <paramref name="minimumParameters"/> of it elements.
    /// </summary>
    public static T Read<T>(ModelCard card, string cardPath, string weightsPath, Func<string, T> parse, Action<T> validate,
        Func<T, long> minimumParameters)
    {
        string json = card.ArchitectureConfig?.ToJsonString()
            ?? throw new InvalidDataException($"{cardPath}: the card has no 'architectureConfig' (the {card.Architecture} settings the weights were trained with)");
        T config;
        try
        {
            config = parse(json);
            validate(config);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidDataException($"{cardPath}: 'architectureConfig' is not a valid {typeof(T).Name}: {e.Message}", e);
        }
        long stored = Safetensors.ReadHeader(weightsPath).Tensors.Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
        long needed = minimumParameters(config);
        if (needed > stored)
        {
            throw new InvalidDataException($"{cardPath}: its {typeof(T).Name} needs at least {needed:N0} parameters but {weightsPath} holds " +
                $"{stored:N0} numbers: the card does not belong to these weights");
        }
        return config;
    }
}
