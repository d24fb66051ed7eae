using Diffusion.Tests.Support;
using Diffusion.IO;
using Diffusion.Models;
using Diffusion.Pretrained;
using Diffusion.Recipes;
using Diffusion.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Recipes;

/// <summary>The score-SDE configs: ncsnpp-mnist and the two that train on a user's image folder.</summary>
public class SdeConfigsTests(ITestOutputHelper output)
{
    /// <summary>Writes <paramref name="count"/> random RGB PNGs of assorted sizes (wide, tall, square) into <paramref name="folder"/>.</summary>
    private static void WritePngs(string folder, int count)
    {
        using var scope = torch.NewDisposeScope();
        var g = new Generator(5).manual_seed(5);
        (int H, int W)[] sizes = [(30, 40), (52, 36), (64, 64)];
        for (int i = 0; i < count; i++)
        {
            var (h, w) = sizes[i % sizes.Length];
            ImageGrid.Save(Path.Combine(folder, $"img{i:D2}.png"), torch.rand([1, 3, h, w], generator: g), nrow: 1, padding: 0, range: (0, 1));
        }
    }

    private static TrainingResult TrainTwoSteps(TrainingConfig config, string outFolder)
    {
        var options = config.Defaults with { Steps = 2, BatchSize = 2, WarmupSteps = 1, OutputFolder = outFolder, CheckpointEvery = 0, CheckpointEverySeconds = 0 };
        using var setup = config.Build(options);
        using var trainer = new Trainer(setup.Model, setup.Loss, setup.Batches, options, setup.Run) { ShowProgress = false };
        return trainer.Train();
    }

    [Fact]
    public void Configs_AreListedAndValid()
    {
        foreach (var name in new[] { "ncsnpp-mnist", "ffhq256-ncsnpp", "church48-ddpm" })
        {
            var config = TrainingConfigs.Get(name);
            config.Defaults.Validate();
            Assert.NotNull(config.BuildSynthetic);
        }
        var ffhq = TrainingConfigs.Get("ffhq256-ncsnpp").Defaults;
        Assert.Equal((64, 2e-4, 5000, 1.0, 0.999), (ffhq.BatchSize, ffhq.LearningRate, ffhq.WarmupSteps, ffhq.GradClip, ffhq.EmaDecay));
        Assert.Equal(NcsnPpConfig.Ffhq256, NcsnPpConfig.Ffhq256 with { SigmaMin = 0.01, SigmaMax = 348, NumScales = 2000 });
        Assert.Equal((0.01, TrainingConfigs.MnistSigmaMax), (TrainingConfigs.NcsnPpMnist.SigmaMin, TrainingConfigs.NcsnPpMnist.SigmaMax));
        Assert.True(TrainingConfigs.TakesDataFolder(TrainingConfigs.Get("church48-ddpm")));
        Assert.False(TrainingConfigs.TakesDataFolder(TrainingConfigs.Get("ncsnpp-mnist")));
        var wrong = Assert.Throws<ArgumentException>(() => TrainingConfigs.WithDataFolder(TrainingConfigs.Get("ncsnpp-mnist"), "/tmp"));
        Assert.Contains("ffhq256-ncsnpp", wrong.Message);
    }

    [Theory]
    [InlineData("ffhq256-ncsnpp")]
    [InlineData("church48-ddpm")]
    public void FolderConfig_WithoutAFolder_SaysHowToPassOne(string name)
    {
        var config = TrainingConfigs.Get(name);
        var e = Assert.Throws<InvalidOperationException>(() => config.Build(config.Defaults with { BatchSize = 2 }));
        Assert.Contains("--data FOLDER", e.Message);
        Assert.Contains(name, e.Message);
        // A missing folder is named.
        var missing = Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"));
        var io = Assert.ThrowsAny<IOException>(() => TrainingConfigs.WithDataFolder(config, missing).Build(config.Defaults with { BatchSize = 2 }));
        Assert.Contains(missing, io.Message);
    }

    [Fact]
    public void NcsnPpMnist_Synthetic_TrainsTwoSteps()
    {
        using var folder = new TempFolder();
        var config = TrainingConfigs.Get("ncsnpp-mnist");
        var options = config.Defaults with { Steps = 2, BatchSize = 4, OutputFolder = folder.Path, CheckpointEvery = 0, CheckpointEverySeconds = 0 };
        using var setup = config.BuildSynthetic!(options);
        using var trainer = new Trainer(setup.Model, setup.Loss, setup.Batches, options, setup.Run) { ShowProgress = false };
        var result = trainer.Train();
        Assert.True(double.IsFinite(result.FinalLoss!.Value));
        var card = ModelCard.Load(Path.Combine(folder.Path, "model.json"));
        Assert.Equal("NcsnPp", card.Architecture);
        Assert.Equal(TrainingConfigs.NcsnPpMnist, NcsnPpConfig.FromJson(card.ArchitectureConfig!.ToJsonString()));
        var process = Assert.IsType<VeSdeProcess>(ModelProcess.FromJson(card.Process, card.Architecture, card.ArchitectureConfig));
        Assert.Equal((0.01, TrainingConfigs.MnistSigmaMax, 1000), (process.SigmaMin, process.SigmaMax, process.N));
        Assert.Contains("VE SDE", process.Description);
    }

    /// <summary>
    /// ffhq256-ncsnpp on a folder of generated PNGs, with the FFHQ preset shrunk to 16×16, nf 8 (the real one is ~65M parameters
    /// at 256²: minutes per step on a CPU) but its SDE, FIR, optimiser and the loader's crop/resize/flip unchanged.
    /// </summary>
    [Fact]
    public void Ffhq256NcsnPp_OnAnImageFolder_WritesCheckpointAndCard()
    {
        using var images = new TempFolder();
        using var outFolder = new TempFolder();
        WritePngs(images.Path, 5);
        var small = NcsnPpConfig.Ffhq256 with { ImageSize = 16, Nf = 8, ChMult = [1, 2, 2], NumResBlocks = 1, AttnResolutions = [4] };
        var config = TrainingConfigs.Ffhq256NcsnPp(images.Path, small);
        var result = TrainTwoSteps(config, outFolder.Path);
        Assert.Equal(2, result.Step);
        Assert.True(double.IsFinite(result.FinalLoss!.Value));
        Assert.True(File.Exists(Path.Combine(outFolder.Path, Checkpoint.FileName)));
        var card = ModelCard.Load(Path.Combine(outFolder.Path, "model.json"));
        Assert.Equal("ffhq256-ncsnpp", card.Name);
        Assert.Equal("NcsnPp", card.Architecture);
        Assert.Equal(348, card.ArchitectureConfig!["sigma_max"]!.GetValue<double>());
        Assert.Contains("5 images", card.Data);
        Assert.Contains("random horizontal flips", card.Data);
        output.WriteLine($"ffhq256-ncsnpp (16x16 test size): loss {result.FinalLoss:F3}, {result.SessionSeconds:F2} s; data: {card.Data}");
    }

    /// <summary>church48-ddpm at its real size (48×48 RGB UNet) on a folder of generated PNGs, two steps of batch 2.</summary>
    [Fact]
    public void Church48Ddpm_OnAnImageFolder_WritesCheckpointAndCard()
    {
        using var images = new TempFolder();
        using var outFolder = new TempFolder();
        WritePngs(images.Path, 4);
        var config = TrainingConfigs.WithDataFolder(TrainingConfigs.Get("church48-ddpm"), images.Path);
        var result = TrainTwoSteps(config, outFolder.Path);
        Assert.Equal(2, result.Step);
        Assert.True(double.IsFinite(result.FinalLoss!.Value));
        Assert.True(File.Exists(Path.Combine(outFolder.Path, Checkpoint.FileName)));
        var card = ModelCard.Load(Path.Combine(outFolder.Path, "model.json"));
        Assert.Equal("UNet", card.Architecture);
        Assert.Equal(TrainingConfigs.Church48UNet, UNetConfig.FromJson(card.ArchitectureConfig!.ToJsonString()));
        Assert.Equal(TrainingConfigs.LinearDdpm, ModelProcess.FromJson(card.Process, card.Architecture, card.ArchitectureConfig));
        output.WriteLine($"church48-ddpm (real size, {card.Parameters:N0} parameters): loss {result.FinalLoss:F3}, {result.SessionSeconds:F2} s for 2 steps of batch 2");
    }
}
