using System.Text.Json.Nodes;
using Diffusion.Cold;
using Diffusion.Ddpm;
using Diffusion.Models;
using Diffusion.Pretrained;
using Diffusion.Recipes;
using Diffusion.Tests.Support;
using Diffusion.Training;
using static TorchSharp.torch;

namespace Diffusion.Tests.Pretrained;

/// <summary>
/// The process section of a model card: written by the recipes, read back by <see cref="ModelProcess.FromJson"/>, the old cards'
/// prose read by <see cref="LegacyProcess"/> (the shipped cards as they were before the section, in tests/fixtures/cards).
/// </summary>
public class ModelProcessTests
{
    private static string Fixture(string name) => Path.Combine(Repository.Root(), "tests", "fixtures", "cards", name + ".format1.json");

    private static ModelProcess Of(ModelCard card) => ModelProcess.FromJson(card.Process, card.Architecture, card.ArchitectureConfig);

    public static TheoryData<string> ShippedModels => new(Directory.GetDirectories(Path.Combine(Repository.Root(), "data", "checkpoints")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(ShippedModels))]
    public void ShippedCard_CarriesItsProcessAsData_EqualToWhatItsOldProseSaid(string name)
    {
        var card = ModelCard.Load(Path.Combine(Repository.Root(), "data", "checkpoints", name, "model.json"));
        Assert.Equal(2, card.Format);
        Assert.IsType<JsonObject>(card.Process);
        var old = ModelCard.Load(Fixture(name));
        Assert.Equal(1, old.Format);
        Assert.Equal(System.Text.Json.JsonValueKind.String, old.Process!.GetValueKind());
        Assert.Equal(Of(old), Of(card));
    }

    [Fact]
    public void OldProse_IsReadAsTheProcessItDescribed()
    {
        var ddpm = Assert.IsType<DdpmProcess>(Of(ModelCard.Load(Fixture("ddpm-mnist"))));
        Assert.Equal((BetaSchedule.Linear, 1000, 1e-4, 0.02, "epsilon"), (ddpm.Schedule, ddpm.T, ddpm.BetaStart!.Value, ddpm.BetaEnd!.Value, ddpm.Prediction));
        Assert.Equal(NoiseSchedule.Linear(1000).Betas, ddpm.NoiseSchedule().Betas);
        Assert.Equal(DataRange.Symmetric, ddpm.DataRange);
        var ve = Assert.IsType<VeSdeProcess>(Of(ModelCard.Load(Fixture("ncsnpp-mnist"))));
        Assert.Equal((0.01, 15.8, 1000, DataRange.Unit), (ve.SigmaMin, ve.SigmaMax, ve.N, ve.DataRange));
        var cold = Assert.IsType<ColdProcess>(Of(ModelCard.Load(Fixture("cold-blur-mnist"))));
        Assert.Equal(new BlurDegradation(40, 11, 7.0), cold.Degradation);
    }

    [Fact]
    public void EveryDegradationsDescription_ReadsBackAsItsParameters()
    {
        Degradation[] all = [CumulativeBlur.Mnist(), GaussianMask.Mnist(), BlockSuperResolution.Mnist(), new CumulativeBlur(7, 5, 1.5), new GaussianMask(4, 0.25, 3.5, 9), new BlockSuperResolution(32, 8)];
        foreach (var d in all)
        {
            using (d)
            {
                var written = ColdProcess.For(d);
                var read = Assert.IsType<ColdProcess>(LegacyProcess.Read(written.Description, "UNet", null));
                Assert.Equal(written.Degradation, read.Degradation);
                using var made = read.Degradation.Create();
                Assert.Equal((d.GetType(), d.T, d.Describe()), (made.GetType(), made.T, made.Describe()));
            }
        }
    }

    [Fact]
    public void CardWithoutProcess_IsADdpmForAUNet_AndTheConfigsVeSdeForAnNcsnPp()
    {
        Assert.Equal(DdpmProcess.Linear() with { Description = null }, LegacyProcess.Read(null, "UNet", null));
        var config = JsonNode.Parse(NcsnPpConfig.MnistSmall.ToJson());
        var ve = Assert.IsType<VeSdeProcess>(ModelProcess.FromJson(null, "NcsnPp", config));
        Assert.Equal((NcsnPpConfig.MnistSmall.SigmaMin, NcsnPpConfig.MnistSmall.SigmaMax, NcsnPpConfig.MnistSmall.NumScales), (ve.SigmaMin, ve.SigmaMax, ve.N));
        Assert.Throws<InvalidDataException>(() => LegacyProcess.Read(null, "MnistClassifier", null));
    }

    [Fact]
    public void EveryKind_RoundTripsThroughItsJson_KindFirst()
    {
        ModelProcess[] processes =
        [
            TrainingConfigs.LinearDdpm,
            new DdpmProcess { Schedule = BetaSchedule.Cosine, T = 50, BetaStart = null, BetaEnd = null, CosineOffset = 0.008 },
            TrainingConfigs.VeProcess(TrainingConfigs.NcsnPpMnist),
            TrainingConfigs.VeProcess(NcsnPpConfig.Ffhq256 with { Centered = true }),
            ColdProcess.For(GaussianMask.Mnist()),
        ];
        foreach (var process in processes)
        {
            var json = process.ToJson();
            Assert.Equal("kind", json.First().Key);
            Assert.Equal(process, ModelProcess.FromJson(JsonNode.Parse(json.ToJsonString()), "UNet", null));
        }
        Assert.Equal(NoiseSchedule.Cosine(50).AlphaBars, ((DdpmProcess)processes[1]).NoiseSchedule().AlphaBars);
    }

    [Theory]
    [InlineData("""{"kind": "flow-matching"}""", "process kind 'flow-matching'; this library knows ddpm, ve-sde, cold")]
    [InlineData("""{"schedule": "linear"}""", "process kind missing")]
    [InlineData("""{"kind": "ddpm", "schedule": "linear", "T": 1000, "betaStart": 0.0001, "betaEnd": 0.02, "prediction": "v"}""", "prediction 'v' is not supported")]
    [InlineData("""{"kind": "ddpm", "schedule": "linear", "T": 0, "betaStart": 0.0001, "betaEnd": 0.02}""", "T must be at least 1")]
    [InlineData("""{"kind": "ddpm", "schedule": "linear", "betaStart": 0.0001, "betaEnd": 0.02}""", "missing required properties including: 'T'")]
    [InlineData("""{"kind": "ddpm", "schedule": "sigmoid", "T": 1000}""", "the ddpm process section is not valid")]
    [InlineData("""{"kind": "ddpm", "schedule": "linear", "T": 1000, "betaStart": 2, "betaEnd": 0.02}""", "betaStart and betaEnd in (0, 1)")]
    [InlineData("""{"kind": "ddpm", "schedule": "cosine", "T": 1000}""", "needs cosineOffset > 0")]
    [InlineData("""{"kind": "ve-sde", "sigmaMin": 5, "sigmaMax": 1, "N": 1000}""", "0 < sigmaMin < sigmaMax")]
    [InlineData("""{"kind": "ve-sde", "sigmaMin": 0.01, "sigmaMax": 1, "N": 1000, "dataRange": [1, 0]}""", "dataRange must be [low, high]")]
    [InlineData("""{"kind": "ve-sde", "sigmaMin": 0.01, "sigmaMax": 1, "N": 1000, "dataRange": [0]}""", "dataRange must be [low, high]")]
    [InlineData("""{"kind": "cold"}""", "the cold process section is not valid")]
    [InlineData("""{"kind": "cold", "degradation": {"kind": "blur", "T": 10, "kernelSize": 4, "sigma": 1}}""", "kernel size must be odd")]
    [InlineData("""{"kind": "cold", "degradation": {"kind": "swirl"}}""", "the cold process section is not valid")]
    [InlineData("""[1, 2]""", "must be an object with a \"kind\"")]
    [InlineData("\"DDPM: T=1000, sigmoid beta 1e-4..0.02, epsilon prediction\"", "the schedule 'sigmoid'")]
    [InlineData("\"DDPM: T=1000, linear beta 1e-4..0.02, v prediction\"", "does not say epsilon prediction")]
    [InlineData("\"flow matching, rectified\"", "none of the forms old cards used")]
    public void BadSection_IsRefused_SayingWhatWasWrong(string json, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => ModelProcess.FromJson(JsonNode.Parse(json), "UNet", null, "card.json"));
        Assert.StartsWith("card.json", error.Message);
        Assert.Contains(message, error.Message);
    }

    /// <summary>A folder holding a shipped model's weights with its old (format 1) card loads and samples as the upgraded one.</summary>
    [Fact]
    public void OldCard_LoadsAndSamples_AsTheUpgradedOne()
    {
        using var folder = new TempFolder();
        File.Copy(Path.Combine(ShippedModelCases.Folder("ddpm-mnist"), "model.safetensors"), Path.Combine(folder.Path, "model.safetensors"));
        File.Copy(Fixture("ddpm-mnist"), Path.Combine(folder.Path, "model.json"));
        using var old = TrainedModel.Load(folder.Path);
        using var shipped = TrainedModel.Load(ShippedModelCases.Folder("ddpm-mnist"));
        Assert.Equal(shipped.Process, old.Process);
        var options = new SamplingOptions { Sampler = SamplerKind.Ddim, Steps = 4, Count = 1, Seed = 3 };
        using var a = old.Sample(options);
        using var b = shipped.Sample(options);
        Assert.True(a.Samples.allclose(b.Samples, rtol: 0, atol: 0));
    }
}
