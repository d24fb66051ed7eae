using Diffusion.Tests.Support;
using System.Text.Json;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;
using Diffusion.Training;

namespace Diffusion.Tests.Training;

/// <summary>Checkpoint files: round trips, damage detection, atomic writes, model cards.</summary>
/// <summary>Bit-identical comparisons of runs: the trainer reseeds libtorch's global generator each step, so these run alone.</summary>
[Collection(SerialCollection.Name)]
public class CheckpointTests
{
    /// <summary>A tiny "sampler": three denoising passes from seeded noise.</summary>
    private static Tensor Sample(TinyNet model, ulong seed)
    {
        using var g = new Generator(seed);
        using var noGrad = no_grad();
        model.eval();
        var x = randn([16, 4], generator: g);
        for (int i = 0; i < 3; i++)
        {
            x = (x - model.forward(x) * 0.3) + randn([16, 4], generator: g) * 0.1;
        }
        return x;
    }

    private static string Trained(TempFolder folder, int steps = 4)
    {
        using var scope = NewDisposeScope();
        var data = TinyRun.Data();
        using var model = new TinyNet(1);
        using var t = TinyRun.Trainer(model, data, TinyRun.Options(folder.Path, steps), new RunDescription("tiny", "64 Gaussian points") { Command = "test" });
        t.Train();
        return Path.Combine(folder.Path, Checkpoint.FileName);
    }

    [Fact]
    public void RoundTrip_GivesIdenticalOutputsAndSamples()
    {
        using var scope = NewDisposeScope();
        using var folder = TinyRun.Folder();
        var data = TinyRun.Data();
        using var model = new TinyNet(1);
        using (var t = TinyRun.Trainer(model, data, TinyRun.Options(folder.Path, 4)))
        {
            t.Train();
            using var emaModel = new TinyNet(2);
            t.Ema.CopyTo(emaModel);

            using var fromCheckpoint = new TinyNet(3);
            Checkpoint.LoadWeights(Path.Combine(folder.Path, Checkpoint.FileName), fromCheckpoint, preferEma: false);
            model.eval();
            fromCheckpoint.eval();
            Assert.True(model.forward(data).Equals(fromCheckpoint.forward(data)));
            Assert.True(Sample(model, 11).Equals(Sample(fromCheckpoint, 11)));

            using var fromEma = new TinyNet(4);
            Checkpoint.LoadWeights(Path.Combine(folder.Path, Checkpoint.FileName), fromEma);
            Assert.True(Sample(emaModel, 11).Equals(Sample(fromEma, 11)));

            using var fromExport = new TinyNet(5);
            Checkpoint.LoadWeights(Path.Combine(folder.Path, Checkpoint.WeightsFileName), fromExport);
            Assert.True(Sample(emaModel, 11).Equals(Sample(fromExport, 11)));
            Assert.False(Sample(emaModel, 11).Equals(Sample(emaModel, 12)));
        }
    }

    [Fact]
    public void ReadInfo_GivesStepWallTimeAndConfig()
    {
        using var folder = TinyRun.Folder();
        var path = Trained(folder, steps: 3);
        var info = Checkpoint.ReadInfo(path);
        Assert.Equal(3, info.Step);
        Assert.True(info.WallTimeSeconds > 0);
        Assert.NotNull(info.FinalLoss);
        using var config = JsonDocument.Parse(info.ConfigJson!);
        Assert.Equal("tiny", config.RootElement.GetProperty("name").GetString());
        Assert.Equal(3, config.RootElement.GetProperty("training").GetProperty("steps").GetInt32());
    }

    [Fact]
    public void TruncatedCheckpoint_GivesAnErrorNamingTheFile()
    {
        using var folder = TinyRun.Folder();
        var path = Trained(folder);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        using var model = new TinyNet(1);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadWeights(path, model));
        Assert.Contains(path, e.Message);

        File.WriteAllBytes(path, bytes[..5]);
        e = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadInfo(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void DamagedData_GivesAnErrorNamingTheFile()
    {
        using var folder = TinyRun.Folder();
        var path = Trained(folder);
        var bytes = File.ReadAllBytes(path);
        bytes[^20] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        using var model = new TinyNet(1);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadWeights(path, model));
        Assert.Contains(path, e.Message);
        Assert.Contains("damaged", e.Message);
        Assert.Throws<InvalidDataException>(() => Checkpoint.Verify(path));
    }

    [Fact]
    public void GarbageOrForeignFile_GivesAnErrorNamingTheFile()
    {
        using var folder = TinyRun.Folder();
        var path = Path.Combine(folder.Path, Checkpoint.FileName);
        File.WriteAllText(path, "this is not a checkpoint at all, just text");
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadInfo(path));
        Assert.Contains(path, e.Message);

        using var scope = NewDisposeScope();
        Diffusion.IO.Safetensors.Save(path, new Dictionary<string, Tensor> { ["x"] = zeros([2]) });
        e = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadInfo(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a training checkpoint", e.Message);
    }

    [Fact]
    public void CheckpointOfAnotherModel_GivesAnErrorNamingTheFile()
    {
        using var folder = TinyRun.Folder();
        var path = Trained(folder);
        using var other = nn.Linear(4, 4);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadWeights(path, other));
        Assert.Contains(path, e.Message);
        Assert.Contains("do not fit", e.Message);
    }

    [Fact]
    public void FailedSave_LeavesThePreviousCheckpoint()
    {
        using var folder = TinyRun.Folder();
        var path = Trained(folder);
        var before = File.ReadAllBytes(path);
        var broken = new TinyNet(1);
        broken.Dispose(); // its tensors are freed: writing them fails
        Assert.ThrowsAny<Exception>(() => Checkpoint.Save(path, new CheckpointContent(broken, 99)));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
        Assert.Equal(4, Checkpoint.ReadInfo(path).Step);
    }

    [Fact]
    public void ModelCard_HasTheRequiredFieldsAndRoundTrips()
    {
        using var folder = TinyRun.Folder();
        var path = Trained(folder, steps: 3);
        foreach (var cardPath in new[] { ModelCard.PathFor(path), Path.Combine(folder.Path, "model.json") })
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(cardPath));
            var root = doc.RootElement;
            foreach (var field in new[] { "name", "architecture", "architectureConfig", "parameters", "data", "training", "steps", "wallTimeSeconds", "finalLoss", "seed", "command", "metrics", "environment" })
            {
                Assert.True(root.TryGetProperty(field, out _), $"{cardPath} lacks '{field}'");
            }
            Assert.Equal("tiny", root.GetProperty("name").GetString());
            Assert.Equal("TinyNet", root.GetProperty("architecture").GetString());
            Assert.Equal(3, root.GetProperty("steps").GetInt64());
            Assert.Equal(7UL, root.GetProperty("seed").GetUInt64());
            Assert.Equal("test", root.GetProperty("command").GetString());
        }

        var card = ModelCard.Load(Path.Combine(folder.Path, "model.json"));
        card.Metrics["fid"] = 12.5;
        card.Metrics["fid_floor"] = 1.25;
        card.Metrics["fid_samples"] = 1000;
        card.Metrics["sampler"] = "ddpm-1000";
        card.Save(Path.Combine(folder.Path, "model.json"));
        var back = ModelCard.Load(Path.Combine(folder.Path, "model.json"));
        Assert.Equal(12.5, back.Metrics["fid"]!.GetValue<double>());
        Assert.Equal("ddpm-1000", back.Metrics["sampler"]!.GetValue<string>());
        Assert.Equal(card.Training, back.Training);
        Assert.Contains("\"fid_floor\"", File.ReadAllText(Path.Combine(folder.Path, "model.json")));
    }

    [Fact]
    public void ShippedCard_RewrittenKeepsEveryFieldAndItsText()
    {
        string shipped = Path.Combine(Repository.Root(), "data", "checkpoints", "ddpm-mnist", "model.json");
        using var folder = TinyRun.Folder();
        string copy = Path.Combine(folder.Path, "model.json");
        ModelCard.Load(shipped).Save(copy);
        using var before = JsonDocument.Parse(File.ReadAllText(shipped));
        using var after = JsonDocument.Parse(File.ReadAllText(copy));
        foreach (var field in before.RootElement.EnumerateObject())
        {
            Assert.True(after.RootElement.TryGetProperty(field.Name, out var kept), $"rewriting the card dropped '{field.Name}'");
            Assert.Equal(field.Value.GetRawText().Length > 0, kept.GetRawText().Length > 0);
        }
        Assert.Equal(before.RootElement.GetProperty("notes").GetString(), after.RootElement.GetProperty("notes").GetString());
        Assert.DoesNotContain("\\u0027", File.ReadAllText(copy));   // apostrophes stay readable
    }

    [Fact]
    public void MissingCheckpoint_IsFileNotFound()
    {
        using var folder = TinyRun.Folder();
        Assert.Null(Checkpoint.Find(folder.Path));
        Assert.Throws<FileNotFoundException>(() => Checkpoint.ReadInfo(Path.Combine(folder.Path, Checkpoint.FileName)));
    }
}
