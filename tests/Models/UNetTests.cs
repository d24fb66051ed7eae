using Diffusion.Ddpm;
using Diffusion.Models;
using Diffusion.Optim;
using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Models;

public class UNetTests
{
    public static TheoryData<string, int, int, int> ShapeCases => new()
    {
        // name, image size, channels, batch
        { "mnist-tiny", 28, 1, 2 },
        { "28 with four levels (28, 14, 7, 4)", 28, 1, 1 },
        { "32 colour", 32, 3, 2 },
        { "64", 64, 3, 1 },
        { "256, six levels", 256, 3, 1 },
    };

    private static UNetConfig ConfigFor(string name, int size, int channels) => name switch
    {
        "mnist-tiny" => UNetConfig.MnistTiny,
        "28 with four levels (28, 14, 7, 4)" => UNetConfig.MnistTiny with { ChannelMultipliers = [1, 2, 2, 2], AttentionResolutions = [7, 4] },
        "256, six levels" => new UNetConfig { ImageSize = size, ImageChannels = channels, BaseChannels = 8, ChannelMultipliers = [1, 1, 1, 2, 2, 2], ResBlocksPerLevel = 1, AttentionResolutions = [16], Dropout = 0 },
        _ => new UNetConfig { ImageSize = size, ImageChannels = channels, BaseChannels = 16, ChannelMultipliers = [1, 2], ResBlocksPerLevel = 1, AttentionResolutions = [size / 2] },
    };

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void Forward_ReturnsTheInputShape(string name, int size, int channels, int batch)
    {
        using var scope = new TensorScope();
        using var model = new UNet(ConfigFor(name, size, channels));
        model.Eval();
        var x = Torch.Randn([batch, channels, size, size]);
        var t = Torch.Randint(0, 1000, [batch]);
        using var noGrad = Torch.NoGrad();
        var y = model.Forward(x, t);
        Assert.Equal(x.Shape, y.Shape);
        Assert.True(y.IsFinite().All().ToDouble() == 1, name);
        // Float timesteps and a single step broadcast over the batch are accepted too.
        Assert.Equal(x.Shape, model.Forward(x, t.To(DType.Float32)).Shape);
        Assert.Equal(x.Shape, model.Forward(x, Torch.Full([1], 10, DType.Int64)).Shape);
    }

    [Fact]
    public void Forward_ThrowsForWrongChannelsOrTimesteps()
    {
        using var scope = new TensorScope();
        using var model = new UNet(UNetConfig.MnistTiny);
        var e = Assert.Throws<ArgumentException>(() => model.Forward(Torch.Zeros([1, 3, 28, 28]), Torch.Zeros([1], DType.Int64)));
        Assert.Contains("[B, 1, H, W]", e.Message);
        Assert.Throws<ArgumentException>(() => model.Forward(Torch.Zeros([2, 1, 28, 28]), Torch.Zeros([3], DType.Int64)));
    }

    [Fact]
    public void StateDict_HasPyTorchStyleNames()
    {
        using var model = new UNet(UNetConfig.MnistSmall);
        var names = model.StateDict().Keys.ToHashSet();
        foreach (var expected in new[]
        {
            "time_mlp.0.weight", "time_mlp.2.bias", "conv_in.weight",
            "down.0.res.0.conv1.weight", "down.0.res.1.temb_proj.weight", "down.0.downsample.conv.weight",
            "down.1.res.0.skip.weight", "down.2.attn.1.qkv.weight", "mid.res1.norm1.weight", "mid.attn.proj.bias", "mid.res2.conv2.weight",
            "up.2.res.2.conv1.weight", "up.2.attn.2.norm.weight", "up.2.upsample.conv.weight", "up.0.res.2.skip.weight", "norm_out.weight", "conv_out.bias",
        })
        {
            Assert.Contains(expected, names);
        }
        Assert.DoesNotContain("down.2.downsample.conv.weight", names);
        Assert.DoesNotContain("up.0.upsample.conv.weight", names);
        Assert.DoesNotContain("down.0.attn.0.qkv.weight", names);
    }

    [Fact]
    public void Cifar10Preset_HasHoEtAlsParameterCount()
    {
        // Ho et al. (2020) report 35.7M parameters for their CIFAR-10 model; 35,746,307 is the count of its PyTorch ports.
        using var model = new UNet(UNetConfig.Cifar10);
        Assert.Equal(35_746_307, model.ParameterCount);
        Assert.Contains($"{model.ParameterCount:N0}", model.Summary());
    }

    [Fact]
    public void MnistSmallPreset_HasOneToTwoMillionParameters()
    {
        using var model = new UNet(UNetConfig.MnistSmall);
        Assert.InRange(model.ParameterCount, 1_000_000, 2_000_000);
        string summary = model.Summary();
        Assert.Contains("total", summary);
        Assert.Contains("mid (+attn)", summary);
    }

    [Fact]
    public void GroupRule_Uses32GroupsOrFewerWithAtLeastFourChannelsEach()
    {
        var c = new UNetConfig();
        Assert.Equal(32, c.GroupsFor(128));
        Assert.Equal(32, c.GroupsFor(256));
        Assert.Equal(16, c.GroupsFor(64));
        Assert.Equal(8, c.GroupsFor(32));
        Assert.Equal(4, c.GroupsFor(16));
        Assert.Equal(12, c.GroupsFor(48));
        Assert.Equal(1, c.GroupsFor(3));
        Assert.Equal(new[] { 28, 14, 7 }, c.Resolutions);
        Assert.Equal(new[] { 28, 14, 7, 4 }, (c with { ChannelMultipliers = [1, 1, 1, 1] }).Resolutions);
    }

    [Fact]
    public void Config_RoundTripsThroughJson_AndValidates()
    {
        var json = UNetConfig.Cifar10.ToJson();
        Assert.Contains("\"channel_multipliers\"", json);
        Assert.Equal(UNetConfig.Cifar10, UNetConfig.FromJson(json));
        Assert.Equal(UNetConfig.Cifar10, UNetConfig.Named("cifar10"));
        Assert.NotEqual(UNetConfig.Cifar10, UNetConfig.Cifar10 with { ChannelMultipliers = [1, 2, 2] });
        Assert.Throws<ArgumentException>(() => new UNet(UNetConfig.MnistTiny with { ChannelMultipliers = [] }));
        Assert.Throws<ArgumentException>(() => new UNet(UNetConfig.MnistTiny with { Dropout = 1.5 }));
        Assert.Throws<ArgumentException>(() => UNetConfig.Named("nope"));
    }

    [Fact]
    public void EvalIsDeterministic_TrainAppliesDropout()
    {
        using var scope = new TensorScope();
        using var model = new UNet(UNetConfig.MnistTiny with { Dropout = 0.5 });
        var x = Torch.Randn([2, 1, 28, 28]);
        var t = Torch.Full([2], 100, DType.Int64);
        using var noGrad = Torch.NoGrad();
        model.Eval();
        Assert.True(model.Forward(x, t).Equal(model.Forward(x, t)));
        model.Train();
        Assert.False(model.Forward(x, t).Equal(model.Forward(x, t)));
    }

    [Fact]
    public void AdamSteps_ReduceTheDdpmLossOnAFixedBatch()
    {
        using var scope = new TensorScope();
        using var g = new Generator(21);
        using var model = new UNet(UNetConfig.MnistTiny);
        using var adam = new Adam(model, lr: 2e-3);
        var loss = new DdpmLoss(NoiseSchedule.Linear(1000));
        // A fixed batch: smooth blobs in [−1, 1], fixed timesteps and noise.
        var grid = Torch.Linspace(-1, 1, 28);
        var r2 = grid.Square().Unsqueeze(0) + grid.Square().Unsqueeze(1);
        var x0 = Torch.Stack(Enumerable.Range(0, 8).Select(i => (r2 * -(1.0 + i)).Exp() * 2.0 - 1.0).ToList(), 0).Unsqueeze(1);
        var t = Torch.Randint(0, 1000, [8], generator: g);
        var noise = Torch.Randn([8, 1, 28, 28], generator: g);

        double Evaluate()
        {
            using var s = new TensorScope();
            using var noGrad = Torch.NoGrad();
            return loss.Compute(model.Forward, x0, t, noise).ToDouble();
        }

        void TrainStep()
        {
            using var s = new TensorScope();
            adam.ZeroGrad();
            loss.Compute(model.Forward, x0, t, noise).Backward();
            adam.Step();
        }

        double before = Evaluate();
        TrainStep();
        double afterOne = Evaluate();
        for (int i = 0; i < 4; i++)
        {
            TrainStep();
        }
        double afterFive = Evaluate();
        Assert.True(afterOne < before, $"one step: {before} -> {afterOne}");
        Assert.True(afterFive < afterOne, $"five steps: {afterOne} -> {afterFive}");
    }

    [Fact]
    public void DdpmLoss_WithGenerator_IsReproducibleAndEqualsTheExplicitForm()
    {
        using var scope = new TensorScope();
        var loss = new DdpmLoss(NoiseSchedule.Linear(100));
        EpsilonModel model = (x, t) => x * 0.5;
        var x0 = Torch.Randn([4, 1, 5, 5], DType.Float64);
        using var g1 = new Generator(3);
        using var g2 = new Generator(3);
        double a = loss.Compute(model, x0, g1).ToDouble();
        double b = loss.Compute(model, x0, g2).ToDouble();
        Assert.Equal(a, b);

        // Same draws by hand: t first, then ε.
        using var g3 = new Generator(3);
        var t = Torch.Randint(0, 100, [4], generator: g3);
        var eps = Torch.RandnLike(x0, generator: g3);
        var xt = new ForwardProcess(loss.Schedule).QSample(x0, t, eps);
        double expected = (xt * 0.5 - eps).Square().Mean().ToDouble();
        Assert.Equal(expected, a, 12);
    }
}

[Collection(SerialCollection.Name)]
public class UNetDeterminismTests
{
    [Fact]
    public void SameSeed_GivesSameWeightsAndOutput()
    {
        using var scope = new TensorScope();
        Tensor Run()
        {
            Torch.ManualSeed(123);
            using var model = new UNet(UNetConfig.MnistTiny);
            model.Eval();
            using var g = new Generator(5);
            var x = Torch.Randn([2, 1, 28, 28], generator: g);
            using var noGrad = Torch.NoGrad();
            return model.Forward(x, Torch.FromArray(new long[] { 3, 700 }));
        }
        var a = Run();
        var b = Run();
        Assert.True(a.Equal(b));

        Torch.ManualSeed(123);
        using var m1 = new UNet(UNetConfig.MnistTiny);
        Torch.ManualSeed(123);
        using var m2 = new UNet(UNetConfig.MnistTiny);
        var s1 = m1.StateDict();
        var s2 = m2.StateDict();
        Assert.All(s1, kv => Assert.True(kv.Value.Equal(s2[kv.Key]), kv.Key));
    }

    [Fact]
    public void SamplingLoop_LeavesNoLiveTensors()
    {
        using var model = new UNet(UNetConfig.MnistTiny with { ImageSize = 8, ChannelMultipliers = [1, 2], AttentionResolutions = [4] });
        model.Eval();
        var sampler = new DdpmSampler(NoiseSchedule.Linear(10));
        long before = LiveTensors.Count();
        using (var g = new Generator(1))
        using (var x = sampler.Sample(model, [2, 1, 8, 8], g))
        {
            Assert.Equal(new long[] { 2, 1, 8, 8 }, x.Shape);
        }
        Assert.Equal(before, LiveTensors.Count());
    }
}
