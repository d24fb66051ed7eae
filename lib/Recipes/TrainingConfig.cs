using Diffusion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Recipes;

/// <summary>
/// A named, reproducible training recipe: default <see cref="TrainerOptions"/> and a builder that makes the model,
/// the loss and the batch source for given options (see <see cref="TrainingConfigs"/>).
/// </summary>
/// <param name="Name">The name on the command line (e.g. <c>ddpm-mnist</c>).</param>
/// <param name="Description">One line on what it trains.</param>
/// <param name="Defaults">The default settings (steps, batch, lr, ...); the command line overrides some.</param>
/// <param name="Build">Makes the parts of a run for the final options (loads the data).</param>
public sealed record TrainingConfig(string Name, string Description, TrainerOptions Defaults, Func<TrainerOptions, TrainingSetup> Build)
{
    /// <summary>
    /// Makes the same run on random images of the data's shape instead of the data set (no download, no disk): for timing
    /// steps and smoke tests. Null when the config has no such variant.
    /// </summary>
    public Func<TrainerOptions, TrainingSetup>? BuildSynthetic { get; init; }
}

/// <summary>The parts of a run made by a <see cref="TrainingConfig"/>: model, loss, batches, description; owns them.</summary>
/// <param name="Model">The network (disposed with the setup).</param>
/// <param name="Loss">The training loss.</param>
/// <param name="Batches">The batch source.</param>
/// <param name="Run">Names, data, process and architecture config for the checkpoints and card.</param>
public sealed record TrainingSetup(nn.Module Model, TrainingLoss Loss, BatchSource Batches, RunDescription Run) : IDisposable
{
    /// <summary>More objects freed with the setup (data tensors, ...).</summary>
    public IReadOnlyList<IDisposable> Owned { get; init; } = [];

    /// <summary>Frees the model and everything in <see cref="Owned"/>.</summary>
    public void Dispose()
    {
        Model.Dispose();
        foreach (var d in Owned)
        {
            d.Dispose();
        }
    }
}
