using System.Text.Json.Nodes;
using Diffusion.IO;
using Diffusion.Metrics;
using Diffusion.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Metrics;

public class FeatureNetworkTests
{
    private static readonly MnistClassifierConfig Tiny = new(Channels1: 8, Channels2: 8, Channels3: 8, FeatureDim: 16, Groups: 4, Dropout: 0);

    [Fact]
    public void MnistClassifier_ForwardAndFeatureShapes()
    {
        manual_seed(1);
        using var model = new MnistClassifier();
        using var scope = NewDisposeScope();
        var x = zeros(3, 1, 28, 28);
        Assert.Equal([3L, 10L], model.call(x).shape);
        Assert.Equal([3L, 128L], model.Features(x).shape);
        Assert.Equal(128, model.FeatureDimension);
        Assert.Equal(241_994, model.ParameterCount);   // the shipped card's count
        var e = Assert.Throws<ArgumentException>(() => model.call(zeros(3, 1, 32, 32)));
        Assert.Contains("[3, 1, 32, 32]", e.Message);
        Assert.Throws<ArgumentException>(() => new MnistClassifier(new MnistClassifierConfig(Channels1: 12)));
    }

    [Fact]
    public void FeatureNetwork_SaveLoadRoundTrip_GivesIdenticalFeatures()
    {
        string dir = Path.Combine(Path.GetTempPath(), "fid-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            manual_seed(2);
            using var model = new MnistClassifier(Tiny);
            model.eval();
            string stem = Path.Combine(dir, "net");
            Safetensors.Save(stem + ".safetensors", model.state_dict());
            var card = new JsonObject
            {
                ["architecture"] = FeatureNetwork.MnistClassifierArchitecture,
                ["config"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Tiny, CardJson.Options)),
                ["input_range"] = "[-1, 1]",
            };
            File.WriteAllText(stem + ".json", card.ToJsonString());
            using var loaded = FeatureNetwork.Load(stem + ".safetensors");
            Assert.Equal(16, loaded.FeatureDimension);
            Assert.Equal(ImageRange.MinusOneToOne, loaded.InputRange);

            using var scope = NewDisposeScope();
            using var generator = new Generator(3);
            var images01 = rand([5, 1, 28, 28], generator: generator);
            var expected = model.Features(images01 * 2.0 - 1.0);
            // The caller's [0, 1] images are mapped to the network's [-1, 1]. Batches of 2 and of 5 may run different oneDNN
            // kernels, which round float32 sums differently (measured: 7e-7 on features of order 1).
            var actual = loaded.Features(images01, ImageRange.ZeroToOne, batchSize: 2);
            Assert.InRange((actual - expected).abs().max().item<float>(), 0, 1e-5);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void FeatureNetwork_Load_ExplainsMissingFilesAndUnknownArchitectures()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => FeatureNetwork.Load("/nonexistent/feature-net.safetensors"));
        Assert.Contains("train-fid", missing.Message);
        string dir = Path.Combine(Path.GetTempPath(), "fid-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using (var model = new MnistClassifier(Tiny))
            {
                Safetensors.Save(Path.Combine(dir, "n.safetensors"), model.state_dict());
            }
            File.WriteAllText(Path.Combine(dir, "n.json"), """{"architecture": "inception-v3", "input_range": "[0, 1]"}""");
            var unknown = Assert.Throws<InvalidDataException>(() => FeatureNetwork.Load(Path.Combine(dir, "n.json")));
            Assert.Contains("inception-v3", unknown.Message);
            Assert.Contains("FeatureNetwork.Register", unknown.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
