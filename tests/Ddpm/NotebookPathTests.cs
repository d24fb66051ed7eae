using System.Text.Json.Nodes;
using Diffusion.Ddpm;
using Diffusion.Models;
using Diffusion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Ddpm;

/// <summary>The code paths notebook 03 relies on, on a tiny model (seconds).</summary>
public class NotebookPathTests
{
    private static readonly UNetConfig Tiny = new()
    {
        ImageSize = 8,
        BaseChannels = 8,
        ChannelMultipliers = [1, 2],
        ResBlocksPerLevel = 1,
        AttentionResolutions = [4],
        Dropout = 0.0,
    };

    // The default profile: a UNet built from the model card's config, loaded with Checkpoint.LoadWeights from the exported
    // model.safetensors, samples exactly as the trainer's EMA weights do (DDIM η = 0, same seed).
    [Fact]
    public void ModelCardAndExportedWeights_RebuildTheTrainedModel()
    {
        string folder = Path.Combine(Path.GetTempPath(), "nb03-path-" + Guid.NewGuid().ToString("N"));
        try
        {
            torch.manual_seed(5);
            using var data = torch.rand([32, 1, 8, 8]) * 2 - 1;
            using var model = new UNet(Tiny);
            var loss = new DdpmLoss(NoiseSchedule.Linear(1000));
            var run = new RunDescription("nb03-test", "random images") { ArchitectureConfig = JsonNode.Parse(Tiny.ToJson()) };
            var options = new TrainerOptions { Steps = 3, BatchSize = 4, WarmupSteps = 1, EmaDecay = 0.5, Seed = 2, OutputFolder = folder };
            using var trainer = new Trainer(model, (batch, g) => loss.Compute(model, batch, g), BatchSources.RandomRows(data, 4), options, run) { ShowProgress = false };
            trainer.Train();

            string weights = Path.Combine(folder, Checkpoint.WeightsFileName);
            var card = ModelCard.Load(ModelCard.PathFor(weights));
            var config = UNetConfig.FromJson(card.ArchitectureConfig!.ToJsonString());
            Assert.Equal(Tiny, config);
            using var loaded = new UNet(config);
            Checkpoint.LoadWeights(weights, loaded);
            Assert.Equal(card.Parameters, loaded.ParameterCount);

            using var reference = new UNet(Tiny);
            trainer.Ema.CopyTo(reference);
            loaded.eval();
            reference.eval();
            var ddim = new DdimSampler(NoiseSchedule.Linear(1000), eta: 0.0, steps: 5);
            using var g1 = new torch.Generator(9);
            using var g2 = new torch.Generator(9);
            using var a = ddim.Sample(loaded, [2, 1, 8, 8], g1);
            using var b = ddim.Sample(reference, [2, 1, 8, 8], g2);
            Assert.True(a.Equals(b));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    // The trajectory cell: at the last ancestral step (ᾱ_{−1} = 1) the sample is the clipped x̂_0 itself.
    [Fact]
    public void DdpmLastStep_ReturnsThePredictedOriginal()
    {
        torch.manual_seed(3);
        using var model = new UNet(Tiny);
        model.eval();
        var ddpm = new DdpmSampler(NoiseSchedule.Linear(1000));
        ddpm.SetTimesteps(4);
        Tensor? lastSample = null, lastGuess = null;
        using var g = new torch.Generator(4);
        using var result = ddpm.Sample(model, [2, 1, 8, 8], g, observer: step =>
        {
            if (step.Index == step.Count - 1)
            {
                // The step's tensors belong to the loop's scope: keep copies outside it.
                lastSample = step.Sample.clone().DetachFromDisposeScope();
                lastGuess = step.PredOriginalSample!.clone().DetachFromDisposeScope();
            }
        });
        Assert.NotNull(lastSample);
        Assert.True(lastSample!.allclose(lastGuess!, rtol: 0, atol: 1e-6));
        Assert.True(lastSample.Equals(result));
        lastSample.Dispose();
        lastGuess!.Dispose();
    }
}
