using Diffusion.IO;
using Diffusion.Models;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.IO;

public sealed class StateDictsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("statedicts-test").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, Tensor> CopyOf(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    [Fact]
    public void Load_CopiesInPlace_KeepingTheParameterObjects()
    {
        manual_seed(1);
        using var source = new MnistClassifier();
        manual_seed(2);
        using var target = new MnistClassifier();
        var parameters = target.parameters().ToList();
        using var scope = NewDisposeScope();
        StateDicts.Load(target, CopyOf(source));
        Assert.Equal(parameters, target.parameters().ToList());   // same objects: an optimizer built before still sees them
        foreach (var (key, value) in source.state_dict())
        {
            Assert.True(value.eq(target.state_dict()[key]).all().item<bool>(), key);
        }
        Assert.True(target.parameters().All(p => p.requires_grad));
    }

    [Fact]
    public void Load_ConvertsDtype()
    {
        using var target = new SelfAttention2d(8, 2, 4);
        using var scope = NewDisposeScope();
        var state = CopyOf(target).ToDictionary(kv => kv.Key, kv => (kv.Value + 1).to(ScalarType.Float64));
        StateDicts.Load(target, state);
        Assert.Equal(ScalarType.Float32, target.state_dict()["norm.weight"].dtype);
        Assert.Equal(2f, target.state_dict()["norm.weight"].data<float>()[0]);
    }

    [Fact]
    public void Load_ListsEveryMissingKey()
    {
        using var target = new MnistClassifier();
        using var scope = NewDisposeScope();
        var state = CopyOf(target);
        state.Remove("conv2.weight");
        state.Remove("head.bias");
        var e = Assert.Throws<StateDictMismatchException>(() => StateDicts.Load(target, state, "weights.safetensors"));
        Assert.Equal(["conv2.weight", "head.bias"], e.Difference.MissingKeys);
        Assert.Contains("missing (2, in the model but not given): conv2.weight, head.bias", e.Message);
        Assert.Contains("weights.safetensors", e.Message);
        Assert.Contains("MnistClassifier", e.Message);
    }

    [Fact]
    public void Load_ListsEveryUnexpectedKey()
    {
        using var target = new MnistClassifier();
        using var scope = NewDisposeScope();
        var state = CopyOf(target);
        state["ema.conv1.weight"] = zeros(1);
        state["extra"] = zeros(2);
        var e = Assert.Throws<StateDictMismatchException>(() => StateDicts.Load(target, state));
        Assert.Equal(["ema.conv1.weight", "extra"], e.Difference.UnexpectedKeys);
        Assert.Empty(e.Difference.MissingKeys);
        Assert.Contains("unexpected (2, given but not in the model): ema.conv1.weight, extra", e.Message);
    }

    [Fact]
    public void Load_NamesTheKeyAndBothShapesOfAMismatch_AndChangesNothing()
    {
        using var target = new MnistClassifier();
        using var scope = NewDisposeScope();
        var before = CopyOf(target);
        var state = CopyOf(target).ToDictionary(kv => kv.Key, kv => kv.Value + 1);
        state["conv1.weight"] = zeros(16, 1, 3, 3);
        state["fc.bias"] = zeros(7);
        var e = Assert.Throws<StateDictMismatchException>(() => StateDicts.Load(target, state));
        Assert.Contains("shape mismatch for conv1.weight: the model has [32, 1, 3, 3], the state dict [16, 1, 3, 3]", e.Message);
        Assert.Contains("shape mismatch for fc.bias: the model has [128], the state dict [7]", e.Message);
        Assert.Equal(["conv1.weight", "fc.bias"], e.Difference.ShapeMismatches.Select(m => m.Key));
        // Nothing was copied: the check comes before any copy.
        foreach (var (key, value) in target.state_dict())
        {
            Assert.True(value.eq(before[key]).all().item<bool>(), key);
        }
    }

    [Fact]
    public void LoadingTheWrongCheckpoint_NamesTheFileAndTheTensors()
    {
        // The shipped FID classifier's weights loaded into a UNet: nothing fits, and the message says what.
        string classifier = Repository.FidNetwork;
        using var unet = new UNet(UNetConfig.MnistTiny);
        using var scope = NewDisposeScope();
        var e = Assert.Throws<StateDictMismatchException>(() => StateDicts.Load(unet, Safetensors.Load(classifier), classifier));
        Assert.Contains(classifier, e.Message);
        Assert.Contains("conv_in.weight", e.Message);     // missing
        Assert.Contains("head.weight", e.Message);        // unexpected

        // A ddpm-mnist checkpoint (mnist-small) into a mnist-tiny UNet: same names, other shapes.
        string weights = Path.Combine(Repository.Root(), "data", "checkpoints", "ddpm-mnist", "model.safetensors");
        e = Assert.Throws<StateDictMismatchException>(() => StateDicts.Load(unet, Safetensors.Load(weights), weights));
        Assert.Contains("shape mismatch for conv_in.weight: the model has [16, 1, 3, 3], the state dict [32, 1, 3, 3]", e.Message);
    }

    [Fact]
    public void FeatureNetworkLoad_OfWeightsForAnotherConfig_NamesTheFileAndTensor()
    {
        string stem = Path.Combine(_dir, "net");
        using (var small = new MnistClassifier(new MnistClassifierConfig(Channels1: 8, Channels2: 8, Channels3: 8, FeatureDim: 16, Groups: 4)))
        {
            Safetensors.Save(stem + ".safetensors", small.state_dict());
        }
        // The card claims the default sizes.
        File.WriteAllText(stem + ".json", """{"architecture": "mnist-classifier", "input_range": "[-1, 1]"}""");
        var e = Assert.Throws<StateDictMismatchException>(() => Diffusion.Metrics.FeatureNetwork.Load(stem + ".json"));
        Assert.Contains(stem + ".safetensors", e.Message);
        Assert.Contains("shape mismatch for conv1.weight: the model has [32, 1, 3, 3], the state dict [8, 1, 3, 3]", e.Message);
    }
}
