using System.Text.Json.Nodes;
using Diffusion.IO;
using Diffusion.Models;
using Diffusion.Pretrained;
using Diffusion.Recipes;
using Diffusion.Tests.Support;
using Diffusion.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Pretrained;

/// <summary>The sampling command's library entry point: <see cref="TrainedModel"/> and <see cref="SampleFiles"/> on tiny model folders.</summary>
public class SamplingTests(ITestOutputHelper output)
{
    private static readonly UNetConfig TinyUNet = new() { ImageChannels = 1, ImageSize = 8, BaseChannels = 8, ChannelMultipliers = [1, 2], ResBlocksPerLevel = 1, AttentionResolutions = [], Dropout = 0 };

    private static readonly NcsnPpConfig TinyNcsnPp = NcsnPpConfig.Tiny with { NumChannels = 1 };

    /// <summary>Writes model.safetensors + model.json for <paramref name="network"/> as the trainer does.</summary>
    private static void WriteFolder(string folder, nn.Module network, string architecture, string configJson, JsonNode? process)
    {
        Checkpoint.SaveWeights(Path.Combine(folder, Checkpoint.WeightsFileName), network.state_dict(), new Dictionary<string, string> { ["weights"] = "ema" });
        new ModelCard { Name = "tiny-" + architecture.ToLowerInvariant(), Architecture = architecture, ArchitectureConfig = JsonNode.Parse(configJson), Process = process }
            .Save(Path.Combine(folder, "model.json"));
    }

    /// <summary>Two synthetic steps of ncsnpp-mnist (batch 2) into <paramref name="folder"/>, a checkpoint every <paramref name="checkpointEvery"/> steps (0: none).</summary>
    private static void TrainNcsnPpMnist(string folder, int checkpointEvery)
    {
        var config = TrainingConfigs.Get("ncsnpp-mnist");
        var options = config.Defaults with { Steps = 2, BatchSize = 2, OutputFolder = folder, CheckpointEvery = checkpointEvery, CheckpointEverySeconds = 0 };
        using var setup = config.BuildSynthetic!(options);
        using var trainer = new Trainer(setup.Model, setup.Loss, setup.Batches, options, setup.Run) { ShowProgress = false };
        trainer.Train();
    }

    private static string DdpmFolder(TempFolder folder)
    {
        manual_seed(3);
        using var unet = new UNet(TinyUNet);
        WriteFolder(folder.Path, unet, "UNet", TinyUNet.ToJson(), TrainingConfigs.LinearDdpm.ToJson());
        return folder.Path;
    }

    [Theory]
    [InlineData(SamplerKind.Ddpm, 3)]
    [InlineData(SamplerKind.Ddim, 3)]
    [InlineData(SamplerKind.Pc, 50, 25)]
    [InlineData(SamplerKind.Em, 3)]
    [InlineData(SamplerKind.Ode, -1)]
    public void DdpmUNet_EverySampler_WritesSamplesAndGrid(SamplerKind sampler, int nfe, int steps = 3)
    {
        using var folder = new TempFolder();
        using var outFolder = new TempFolder();
        using var model = TrainedModel.Load(DdpmFolder(folder));
        Assert.Equal((-1.0, 1.0), model.Range);
        var options = new SamplingOptions { Sampler = sampler, Steps = steps, Count = 2, Seed = 4, Tolerance = 1e-3 };
        using var result = model.Sample(options);
        Assert.Equal(new long[] { 2, 1, 8, 8 }, result.Samples.shape);
        Assert.True(result.Samples.isfinite().all().item<bool>());
        if (nfe > 0)
        {
            Assert.Equal(nfe, result.Nfe);
        }
        else
        {
            // RK45: 2 evaluations to pick the first step, 6 per step, 1 for the denoising step.
            Assert.True(result.Nfe >= 9, $"ode NFE {result.Nfe}");
        }
        var (tensors, png) = SampleFiles.Write(Path.Combine(outFolder.Path, "sub", "out.png"), result, new Dictionary<string, string> { ["seed"] = "4" });
        Assert.Equal(Path.Combine(outFolder.Path, "sub", "out.safetensors"), tensors);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
        using (var scope = NewDisposeScope())
        {
            var saved = Safetensors.Load(tensors);
            Assert.True(saved[SampleFiles.TensorName].allclose(result.Samples, 0, 0));
            var meta = Safetensors.ReadMetadata(tensors);
            Assert.Equal(result.Nfe.ToString(System.Globalization.CultureInfo.InvariantCulture), meta["nfe"]);
            Assert.Equal("4", meta["seed"]);
        }
        // The same seed gives the same samples.
        using var again = model.Sample(options);
        Assert.True(again.Samples.allclose(result.Samples, 0, 0));
        output.WriteLine($"{sampler}: NFE {result.Nfe}, {result.Seconds:F3} s, {result.Description}");
        if (sampler == SamplerKind.Pc)
        {
            // DDPM's discretisation of the VP SDE needs β_max/N < 1.
            var e = Assert.Throws<ArgumentException>(() => model.Sample(options with { Steps = 20 }));
            Assert.Contains("more than 20 steps", e.Message);
        }
    }

    [Fact]
    public void VeNcsnPp_SdeSamplers_Run_AndDdpmSamplersAreRefused()
    {
        using var folder = new TempFolder();
        manual_seed(5);
        using (var net = new NcsnPp(TinyNcsnPp))
        {
            WriteFolder(folder.Path, net, "NcsnPp", TinyNcsnPp.ToJson(), TrainingConfigs.VeProcess(TinyNcsnPp).ToJson());
        }
        using var model = TrainedModel.Load(folder.Path);
        Assert.Equal((0.0, 1.0), model.Range);
        foreach (var (sampler, nfe) in new[] { (SamplerKind.Pc, 6), (SamplerKind.Em, 3), (SamplerKind.Ode, -1) })
        {
            using var result = model.Sample(new SamplingOptions { Sampler = sampler, Steps = 3, Count = 2, Seed = 1, Tolerance = 1e-3 });
            Assert.Equal(new long[] { 2, 1, 8, 8 }, result.Samples.shape);
            Assert.True(result.Samples.isfinite().all().item<bool>());
            Assert.True(nfe < 0 ? result.Nfe >= 9 : result.Nfe == nfe, $"{sampler}: NFE {result.Nfe}");
            Assert.Contains("VE SDE", result.Description);
            output.WriteLine($"{sampler}: NFE {result.Nfe}, {result.Seconds:F3} s, {result.Description}");
        }
        foreach (var sampler in new[] { SamplerKind.Ddpm, SamplerKind.Ddim })
        {
            var e = Assert.Throws<ArgumentException>(() => model.Sample(new SamplingOptions { Sampler = sampler, Steps = 3, Count = 1 }));
            Assert.Contains("pc, em or ode", e.Message);
        }
    }

    /// <summary>The output folder of ncsnpp-mnist (two synthetic steps) samples: the trainer's card and EMA weights are what the command reads.</summary>
    [Fact]
    public void TrainedNcsnPpMnistFolder_Samples()
    {
        using var folder = new TempFolder();
        TrainNcsnPpMnist(folder.Path, checkpointEvery: 0);
        using var model = TrainedModel.Load(folder.Path);
        Assert.Equal(TrainingConfigs.NcsnPpMnist, model.NcsnPp);
        using var result = model.Sample(new SamplingOptions { Sampler = SamplerKind.Em, Steps = 2, Count = 1 });
        Assert.Equal(new long[] { 1, 1, 28, 28 }, result.Samples.shape);
        Assert.True(result.Samples.isfinite().all().item<bool>());
    }

    [Fact]
    public void Load_NamesWhatIsMissing_AndRefusesOtherModels()
    {
        using var empty = new TempFolder();
        var missing = Assert.Throws<FileNotFoundException>(() => TrainedModel.Load(empty.Path));
        Assert.Contains("model.safetensors", missing.Message);
        // A cold-diffusion restorer is a UNet but not an ε-model: it loads, and the sampling command's samplers refuse it.
        manual_seed(6);
        using (var unet = new UNet(TinyUNet))
        {
            WriteFolder(empty.Path, unet, "UNet", TinyUNet.ToJson(), ColdProcess.For(new Diffusion.Cold.CumulativeBlur(4, 3, 1.0)).ToJson());
        }
        using (var restorer = TrainedModel.Load(empty.Path))
        {
            var cold = Assert.Throws<ArgumentException>(() => restorer.Sample(new SamplingOptions { Sampler = SamplerKind.Ddim, Steps = 2, Count = 1 }));
            Assert.Contains("cold-diffusion restorer", cold.Message);
        }
        // Prose an old card never held is refused with what the loader understands.
        using (var unet = new UNet(TinyUNet))
        {
            WriteFolder(empty.Path, unet, "UNet", TinyUNet.ToJson(), JsonValue.Create("cold diffusion, blur"));
        }
        var unknown = Assert.Throws<InvalidDataException>(() => TrainedModel.Load(empty.Path));
        Assert.Contains("cold diffusion, blur", unknown.Message);
        // A process and an architecture that do not go together.
        using (var net = new NcsnPp(TinyNcsnPp))
        {
            WriteFolder(empty.Path, net, "NcsnPp", TinyNcsnPp.ToJson(), TrainingConfigs.LinearDdpm.ToJson());
        }
        var mismatch = Assert.Throws<InvalidDataException>(() => TrainedModel.Load(empty.Path));
        Assert.Contains("NcsnPp trained for a ddpm process", mismatch.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions { Steps = 0 }.Validate());
        Assert.Equal("a/b", SampleFiles.Stem("a/b.safetensors"));
        Assert.Equal("a/b.x", SampleFiles.Stem("a/b.x"));
    }

    [Theory]
    [InlineData("pc:100", "pc:100", SamplerKind.Pc, 100, 1e-5)]
    [InlineData("ddim:50", "ddim:50", SamplerKind.Ddim, 50, 1e-5)]
    [InlineData("EM:7", "em:7", SamplerKind.Em, 7, 1e-5)]
    [InlineData("ode:1e-3", "ode:0.001", SamplerKind.Ode, 1000, 1e-3)]
    [InlineData("ode:1E-3", "ode:0.001", SamplerKind.Ode, 1000, 1e-3)]
    public void Parse_ReadsKindColonValue(string spec, string name, SamplerKind kind, int steps, double tolerance)
    {
        var (parsedName, options) = SamplingOptions.Parse(spec);
        Assert.Equal(name, parsedName);
        Assert.Equal(kind, options.Sampler);
        Assert.Equal(steps, options.Steps);
        Assert.Equal(tolerance, options.Tolerance);
    }

    [Theory]
    [InlineData("ddim:50:clip", "ddim:50:clip", true)]
    [InlineData("DDPM:1000:noclip", "ddpm:1000:noclip", false)]
    [InlineData("ddim:50", "ddim:50", null)]
    public void Parse_ReadsTheClipPartOfDdpmAndDdim(string spec, string name, bool? clip)
    {
        var (parsedName, options) = SamplingOptions.Parse(spec);
        Assert.Equal(name, parsedName);
        Assert.Equal(clip, options.Clip);
    }

    [Theory]
    [InlineData("pc:100:clip")]
    [InlineData("ddim:50:sometimes")]
    [InlineData("ode:1e-3:clip")]
    public void Parse_RefusesAThirdPartOtherThanClipForDdpmAndDdim(string spec)
    {
        var e = Assert.Throws<ArgumentException>(() => SamplingOptions.Parse(spec));
        Assert.Contains("clip or noclip", e.Message);
    }

    [Theory]
    [InlineData("pc")]
    [InlineData("pc:0")]
    [InlineData("ode:-1")]
    [InlineData("heun:10")]
    [InlineData("3:10")]
    [InlineData("ode:nan")]
    public void Parse_RefusesWhatIsNotASampler(string spec)
    {
        var e = Assert.Throws<ArgumentException>(() => SamplingOptions.Parse(spec));
        Assert.Contains(spec, e.Message);
    }

    /// <summary>The one spelling is kind:value: the older ddim-50 is refused with the spelling to write instead.</summary>
    [Theory]
    [InlineData("ddim-50", "ddim:50")]
    [InlineData("ode-1e-3", "ode:1e-3")]
    [InlineData("PC-100", "pc:100")]
    public void Parse_RefusesTheDashSpelling_NamingTheColonOne(string spec, string instead)
    {
        var e = Assert.Throws<ArgumentException>(() => SamplingOptions.Parse(spec));
        Assert.Contains($"write {instead}", e.Message);
    }

    /// <summary>[0, 1] samples (VE) map to [−1, 1] as 2x − 1, clamped first; [−1, 1] samples are only clamped.</summary>
    [Fact]
    public void Symmetric_MapsTheDataRangeToMinusOneOne()
    {
        using var ve = new SamplingResult(tensor(new float[] { -0.5f, 0f, 0.25f, 1f, 1.5f }), (0, 1), 1, 0, "");
        using var v = ve.Symmetric();
        Assert.Equal(new float[] { -1f, -1f, -0.5f, 1f, 1f }, v.data<float>().ToArray());
        using var ddpm = new SamplingResult(tensor(new float[] { -2f, 0.5f, 3f }), (-1, 1), 1, 0, "");
        using var d = ddpm.Symmetric();
        Assert.Equal(new float[] { -1f, 0.5f, 1f }, d.data<float>().ToArray());
    }

    /// <summary>
    /// With <c>fromCheckpoint</c> the run's checkpoint (EMA weights) is loaded even when model.* is there; FID of a VE folder by
    /// <see cref="SampleQuality.Measure(TrainedModel, SamplingOptions, string, Diffusion.Metrics.FeatureNetwork, Tensor, int, int, ulong, Action{double})"/>.
    /// </summary>
    [Fact]
    public void NcsnPpMnistRun_CheckpointLoads_AndItsSamplesGetAFid()
    {
        using var folder = new TempFolder();
        TrainNcsnPpMnist(folder.Path, checkpointEvery: 1);
        Assert.True(File.Exists(Path.Combine(folder.Path, "checkpoint.safetensors")) && File.Exists(Path.Combine(folder.Path, "model.safetensors")));
        using var fromCheckpoint = TrainedModel.Load(folder.Path, fromCheckpoint: true);
        Assert.EndsWith("checkpoint.safetensors", fromCheckpoint.WeightsPath);
        using var finished = TrainedModel.Load(folder.Path);
        Assert.EndsWith("model.safetensors", finished.WeightsPath);

        using var network = Diffusion.Metrics.FeatureNetwork.Load(Repository.FidNetwork);
        using var real = zeros([8, 1, 28, 28]) - 1;
        var (name, sampling) = SamplingOptions.Parse("em:2");
        // Batches of 3 and 1, seeded 2 and 1002: the same samples as two plain calls.
        using (var batched = finished.SampleInBatches(sampling, count: 4, batchSize: 3, seed: 2))
        using (var first = finished.Sample(sampling with { Count = 3, Seed = 2 }))
        using (var second = finished.Sample(sampling with { Count = 1, Seed = 1002 }))
        using (var expected = cat([first.Samples, second.Samples], 0))
        {
            Assert.True(batched.Samples.equal(expected).all().item<bool>(), "SampleInBatches should seed the k-th batch seed + 1000 k");
            Assert.Equal(first.Nfe, batched.Nfe);
            Assert.Equal((0.0, 1.0), batched.Range);
        }
        var quality = SampleQuality.Measure(finished, sampling, name, network, real, count: 4, batchSize: 3, seed: 2);
        Assert.Equal(4, quality.Samples);
        Assert.Equal("em:2", quality.Sampler);
        Assert.True(double.IsFinite(quality.Fid) && quality.Fid > 0, $"FID {quality.Fid}");

        using var empty = new TempFolder();
        var e = Assert.Throws<FileNotFoundException>(() => TrainedModel.Load(empty.Path, fromCheckpoint: true));
        Assert.Contains("checkpoint.safetensors", e.Message);
    }

    /// <summary>The shipped ddpm-mnist folder loads and samples (two DDIM steps, one digit).</summary>
    [Fact]
    public void ShippedDdpmMnist_Samples()
    {
        string folder = Path.Combine(Repository.Root(), "data", "checkpoints", "ddpm-mnist");
        if (!File.Exists(Path.Combine(folder, Checkpoint.WeightsFileName)))
        {
            output.WriteLine($"skipped: no {folder}");
            return;
        }
        using var model = TrainedModel.Load(folder);
        using var result = model.Sample(new SamplingOptions { Sampler = SamplerKind.Ddim, Steps = 2, Count = 1 });
        Assert.Equal(new long[] { 1, 1, 28, 28 }, result.Samples.shape);
        Assert.Equal(2, result.Nfe);
    }
}
