using Diffusion.Cold;
using Diffusion.Models;

namespace Diffusion.Training;

/// <summary>
/// A trained cold-diffusion restorer loaded from a folder written by the training command (<c>model.safetensors</c> +
/// <c>model.json</c>, or a run's <c>checkpoint.*</c>): the UNet R_θ(x_s, s), its degradation D (from the card's config name:
/// <c>cold-blur-mnist</c>, <c>cold-mask-mnist</c>, <c>cold-sr-mnist</c>) and the card.
/// </summary>
public sealed class ColdModel : IDisposable
{
    private ColdModel(UNet network, Degradation degradation, ModelCard card, string folder)
    {
        Network = network;
        Degradation = degradation;
        Card = card;
        Folder = folder;
    }

    /// <summary>R_θ.</summary>
    public UNet Network { get; }

    /// <summary>D, as in training.</summary>
    public Degradation Degradation { get; }

    /// <summary>The model card.</summary>
    public ModelCard Card { get; }

    /// <summary>Where it was loaded from.</summary>
    public string Folder { get; }

    /// <summary>R(x_s, s) as a <see cref="Restorer"/> (evaluation mode; the caller chooses grad or no grad).</summary>
    public Restorer Restorer => (x, s) => Network.call(x, s);

    /// <summary>The degradation a cold config trains with, by its name.</summary>
    public static Degradation DegradationFor(string configName) => configName switch
    {
        "cold-blur-mnist" => CumulativeBlur.Mnist(),
        "cold-mask-mnist" => GaussianMask.Mnist(),
        "cold-sr-mnist" => BlockSuperResolution.Mnist(),
        _ => throw new ArgumentException($"'{configName}' is not a cold-diffusion config; the cold configs are cold-blur-mnist, cold-mask-mnist and cold-sr-mnist", nameof(configName)),
    };

    /// <summary>
    /// Loads <c>model.safetensors</c> (or, with <paramref name="fromCheckpoint"/>, the EMA weights of <c>checkpoint.safetensors</c>)
    /// and the card beside it from <paramref name="folder"/>.
    /// </summary>
    public static ColdModel Load(string folder, bool fromCheckpoint = false)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string stem = fromCheckpoint ? "checkpoint" : "model";
        string weights = Path.Combine(folder, stem + ".safetensors"), cardPath = Path.Combine(folder, stem + ".json");
        if (!File.Exists(weights) || !File.Exists(cardPath))
        {
            throw new FileNotFoundException(
                $"{folder} has no {stem}.safetensors/{stem}.json; train one with environment/train.sh --config cold-blur-mnist --out {folder}", weights);
        }
        var card = ModelCard.Load(cardPath);
        if (string.IsNullOrEmpty(card.Architecture))
        {
            throw new InvalidDataException($"{cardPath}: the card has no 'architecture' (a cold-diffusion restorer is a UNet)");
        }
        if (card.Architecture != nameof(UNet))
        {
            throw new InvalidDataException($"{cardPath}: a cold-diffusion restorer is a UNet, this card says '{card.Architecture}'");
        }
        var config = CardConfig.Read(card, cardPath, weights, UNetConfig.FromJson, c => c.Validate(), c => c.MinimumParameters());
        Degradation degradation;
        try
        {
            degradation = DegradationFor(card.Name);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{cardPath}: the card's name says which degradation the model undoes: {e.Message}", e);
        }
        var network = new UNet(config);
        try
        {
            Checkpoint.LoadWeights(weights, network);
            network.eval();
            return new ColdModel(network, degradation, card, folder);
        }
        catch
        {
            network.Dispose();
            degradation.Dispose();
            throw;
        }
    }

    /// <summary>Frees the network and the degradation's caches.</summary>
    public void Dispose()
    {
        Network.Dispose();
        Degradation.Dispose();
    }
}
