using Diffusion.Cold;
using Diffusion.Training;
using static TorchSharp.torch;

namespace Diffusion.Tests.Training;

/// <summary>The cold configs train through the trainer, and <see cref="ColdModel"/> loads what they write.</summary>
public class ColdModelTests
{
    [Theory]
    [InlineData("cold-blur-mnist", "blur", 40)]
    [InlineData("cold-mask-mnist", "mask", 20)]
    [InlineData("cold-sr-mnist", "sr", 3)]
    public void ColdConfig_TrainsTwoSteps_AndLoadsBackAsAColdModel(string name, string degradation, int t)
    {
        using var folder = TinyRun.Folder();
        var config = TrainingConfigs.Get(name);
        var options = config.Defaults with { Steps = 2, BatchSize = 2, OutputFolder = folder.Path, CheckpointEvery = 0 };
        using (var setup = config.BuildSynthetic!(options))
        using (var trainer = new Trainer(setup.Model, setup.Loss, setup.Batches, options, setup.Run) { ShowProgress = false })
        {
            Assert.True(double.IsFinite(trainer.Train().FinalLoss!.Value));
        }
        using var model = ColdModel.Load(folder.Path);
        Assert.Equal(name, model.Card.Name);
        Assert.Equal(degradation, model.Degradation.Name);
        Assert.Equal(t, model.Degradation.T);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = rand(3, 1, 28, 28) * 2 - 1;
        Assert.Equal(x.shape, model.Restorer(x, full([3], (float)t)).shape);
    }

    [Fact]
    public void Load_SaysHowToTrain_WhenTheFolderHasNoModel()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => ColdModel.Load("/nonexistent/cold-blur-mnist"));
        Assert.Contains("train.sh --config cold-blur-mnist", missing.Message);
        var notCold = Assert.Throws<ArgumentException>(() => ColdModel.DegradationFor("ddpm-mnist"));
        Assert.Contains("cold-blur-mnist", notCold.Message);
    }
}
