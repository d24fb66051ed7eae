using Diffusion.Ddpm;
using Diffusion.Models;
using Diffusion.Training;

namespace Diffusion.Inverse;

/// <summary>
/// A trained DDPM ε-model ε_θ(x_t, t) as the prior of the posterior samplers: the course UNet of a model folder
/// (<c>model.safetensors</c> + <c>model.json</c>, as <c>environment/train.sh</c> writes them), in eval mode, with the linear
/// schedule it was trained with (T = 1000, β 1e-4 … 0.02).
/// </summary>
public sealed class DdpmPrior : IDisposable
{
    private DdpmPrior(UNet network, ModelCard card, string folder)
    {
        Network = network;
        Card = card;
        Folder = folder;
        Model = EpsilonModels.From(network);
        Schedule = NoiseSchedule.Linear(1000);
    }

    /// <summary>The UNet (eval mode: dropout off).</summary>
    public UNet Network { get; }

    /// <summary>ε_θ as the samplers take it.</summary>
    public EpsilonModel Model { get; }

    /// <summary>The model card (architecture, training data, steps).</summary>
    public ModelCard Card { get; }

    /// <summary>The folder it was loaded from.</summary>
    public string Folder { get; }

    /// <summary>The training schedule, linear β over T = 1000 steps.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>Loads <c>model.safetensors</c> (the EMA weights) and <c>model.json</c> of <paramref name="folder"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to train the model.</exception>
    public static DdpmPrior Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string weights = Path.Combine(folder, "model.safetensors"), cardPath = Path.Combine(folder, "model.json");
        if (!File.Exists(weights) || !File.Exists(cardPath))
        {
            throw new FileNotFoundException(
                $"'{Path.GetFullPath(folder)}' has no model.safetensors/model.json; train one with environment/train.sh --config ddpm-mnist --out {folder}", weights);
        }
        var card = ModelCard.Load(cardPath);
        var config = UNetConfig.FromJson(card.ArchitectureConfig?.ToJsonString() ?? throw new InvalidDataException($"{cardPath} has no architectureConfig"));
        var network = new UNet(config);
        try
        {
            Checkpoint.LoadWeights(weights, network);
            network.eval();
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return new DdpmPrior(network, card, folder);
    }

    /// <inheritdoc/>
    public void Dispose() => Network.Dispose();
}
