using Diffusion.Tests.Support;
using Diffusion.Pretrained;
using Diffusion.Recipes;
using Diffusion.Training;

namespace Diffusion.Tests.Recipes;

/// <summary>The named configs of the training command.</summary>
public class TrainingConfigsTests
{
    [Fact]
    public void Names_IncludeTheCourseConfigs()
    {
        Assert.Contains("ddpm-mnist", TrainingConfigs.Names);
        Assert.Contains("ddpm-fashion", TrainingConfigs.Names);
        Assert.Contains("ddpm-mnist-tiny", TrainingConfigs.Names);
        var e = Assert.Throws<ArgumentException>(() => TrainingConfigs.Get("nope"));
        Assert.Contains("ddpm-mnist", e.Message);
        foreach (var c in TrainingConfigs.All)
        {
            c.Defaults.Validate();
        }
    }

    [Fact]
    public void TinyConfig_TrainsAndWritesACheckpointAndCard()
    {
        using var folder = new TempFolder();
        var config = TrainingConfigs.Get("ddpm-mnist-tiny");
        var options = config.Defaults with { Steps = 3, BatchSize = 4, OutputFolder = folder.Path, CheckpointEvery = 0 };
        using var setup = config.BuildSynthetic!(options);
        using var trainer = new Trainer(setup.Model, setup.Loss, setup.Batches, options, setup.Run) { ShowProgress = false };
        var result = trainer.Train();
        Assert.Equal(3, result.Step);
        Assert.True(double.IsFinite(result.FinalLoss!.Value));
        var card = ModelCard.Load(Path.Combine(folder.Path, "model.json"));
        Assert.Equal("UNet", card.Architecture);
        Assert.Equal(16, card.ArchitectureConfig!["base_channels"]!.GetValue<int>());
        Assert.Equal(TrainingConfigs.LinearDdpm, ModelProcess.FromJson(card.Process, card.Architecture, card.ArchitectureConfig));
    }
}
