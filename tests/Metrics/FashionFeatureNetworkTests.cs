using System.Text.Json.Nodes;
using Diffusion.Data;
using Diffusion.Metrics;
using Diffusion.Models;
using Diffusion.Tests.Support;
using static TorchSharp.torch;

namespace Diffusion.Tests.Metrics;

/// <summary>The shipped Fashion-MNIST feature network (<c>train-fid --data fashion</c>) against its card.</summary>
public sealed class FashionFeatureNetworkTests
{
    private static string Stem => Path.Combine(Repository.Root(), "data", "checkpoints", "fashion-fid-classifier");

    [SkippableFact]
    public void ShippedNetwork_ClassifiesTheHeldOutTestImages_AndReproducesItsCardsFloor()
    {
        Support.HostTool.RequireFashionMnist();
        var card = JsonNode.Parse(File.ReadAllText(Stem + ".json"))!;
        double floorOnCard = card["metrics"]!["fid_floor_test_1000"]!.GetValue<double>();
        using var network = FeatureNetwork.Load(Stem + ".safetensors");
        using var test = FashionMnist.Load(train: false);
        var (rest, heldOut) = test.Split(2000, 1234);   // the 2,000 images the ddpm-fashion evaluation holds out
        rest.Dispose();
        using var images = heldOut;
        using var scope = NewDisposeScope();
        double accuracy = MnistClassifierTraining.Accuracy((MnistClassifier)network.Module, images);
        Assert.InRange(accuracy, 0.90, 1.0);   // 91.4 % over all 10,000 test images on the card
        using var features = network.Features(images.Images, ImageRange.ZeroToOne);
        Assert.Equal(floorOnCard, Fid.Floor(features, 1000, 0), 2);
    }
}
