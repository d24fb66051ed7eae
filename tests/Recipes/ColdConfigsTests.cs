using Diffusion.Pretrained;
using Diffusion.Recipes;
using Diffusion.Tests.Support;
using Diffusion.Training;
using static TorchSharp.torch;

namespace Diffusion.Tests.Recipes;

/// <summary>The cold configs train through the trainer, write their degradation into the card, and <see cref="TrainedModel"/> loads it back.</summary>
public class ColdConfigsTests
{
    [Theory]
    [InlineData("cold-blur-mnist", "blur", 40)]
    [InlineData("cold-mask-mnist", "mask", 20)]
    [InlineData("cold-sr-mnist", "sr", 3)]
    public void ColdConfig_TrainsTwoSteps_AndLoadsBackWithItsDegradation(string name, string degradation, int t)
    {
        using var folder = new TempFolder();
        var config = TrainingConfigs.Get(name);
        var options = config.Defaults with { Steps = 2, BatchSize = 2, OutputFolder = folder.Path, CheckpointEvery = 0 };
        using (var setup = config.BuildSynthetic!(options))
        using (var trainer = new Trainer(setup.Model, setup.Loss, setup.Batches, options, setup.Run) { ShowProgress = false })
        {
            Assert.True(double.IsFinite(trainer.Train().FinalLoss!.Value));
        }
        var card = ModelCard.Load(Path.Combine(folder.Path, "model.json"));
        Assert.Equal("cold", card.Process!["kind"]!.GetValue<string>());
        Assert.Equal(degradation, card.Process["degradation"]!["kind"]!.GetValue<string>());
        using var model = TrainedModel.Load(folder.Path);
        Assert.Equal(name, model.Card.Name);
        Assert.IsType<ColdProcess>(model.Process);
        Assert.Equal(degradation, model.Degradation.Name);
        Assert.Equal(t, model.Degradation.T);
        Assert.Empty(model.Samplers);
        Assert.Throws<InvalidOperationException>(() => model.Epsilon);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = rand(3, 1, 28, 28) * 2 - 1;
        Assert.Equal(x.shape, model.Restorer(x, full([3], (float)t)).shape);
    }

    [Fact]
    public void Load_SaysHowToTrain_WhenTheFolderHasNoModel()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => TrainedModel.Load("/nonexistent/cold-blur-mnist"));
        Assert.Contains("train --config", missing.Message);
    }
}
