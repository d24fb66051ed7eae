using System.Text.Json.Nodes;

namespace Diffusion.Training;

/// <summary>What a training run is, for its checkpoints and model card: names, data, process, architecture, command.</summary>
/// <param name="Name">The configuration's name (e.g. <c>ddpm-mnist</c>).</param>
/// <param name="Data">The training data in words.</param>
public sealed record RunDescription(string Name, string Data)
{
    /// <summary>The diffusion process as data, for the card's <c>process</c> section (the recipe's <c>ModelProcess.ToJson()</c>), or null.</summary>
    public JsonNode? Process { get; init; }

    /// <summary>The architecture's config record as JSON (e.g. <c>JsonSerializer.SerializeToNode(unetConfig)</c>), or null.</summary>
    public JsonNode? ArchitectureConfig { get; init; }

    /// <summary>The command line that repeats the run, or null.</summary>
    public string? Command { get; init; }
}
