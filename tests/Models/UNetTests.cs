using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Models;
using Diffusion.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

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

    internal static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void Forward_ReturnsTheInputShape(string name, int size, int channels, int batch)
    {
        using var model = new UNet(ConfigFor(name, size, channels));
        model.eval();
        using var scope = NewDisposeScope();
        var x = randn(batch, channels, size, size);
        var t = randint(0, 1000, [batch]);
        using var noGrad = no_grad();
        var y = model.call(x, t);
        Assert.Equal(x.shape, y.shape);
        Assert.True(y.isfinite().all().item<bool>(), name);
        // Float timesteps and a single step broadcast over the batch are accepted too.
        Assert.Equal(x.shape, model.call(x, t.to(ScalarType.Float32)).shape);
        Assert.Equal(x.shape, model.call(x, full([1], 10, ScalarType.Int64)).shape);
        Assert.Equal(x.shape, model.call(x, tensor(10L)).shape);
    }

    [Fact]
    public void Forward_ThrowsForWrongChannelsOrTimesteps_NamingTheShapes()
    {
        using var model = new UNet(UNetConfig.MnistTiny);
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => model.call(zeros(1, 3, 28, 28), zeros([1], ScalarType.Int64)));
        Assert.Contains("[B, 1, H, W]", e.Message);
        Assert.Contains("[1, 3, 28, 28]", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.call(zeros(2, 1, 28, 28), zeros([3], ScalarType.Int64)));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[2, 1, 28, 28]", e.Message);
    }

    [Fact]
    public void StateDict_HasPyTorchStyleNames()
    {
        using var model = new UNet(UNetConfig.MnistSmall);
        var names = model.state_dict().Keys.ToHashSet();
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
        // Only the explicit names: no child is registered a second time under a field name (_conv1, <Blocks>k__BackingField).
        Assert.DoesNotContain(names, n => n.Split('.').Any(part => part.StartsWith('_') || part.Contains('<', StringComparison.Ordinal)));
        Assert.Equal(model.parameters().Count(), names.Count);
    }

    [Fact]
    public void StateDict_KeysStayTheSameWhenTheModelIsRegisteredInAnother()
    {
        // TorchSharp registers a child's fields by name when the child is registered; the course's modules must not let it.
        using var model = new UNet(UNetConfig.MnistTiny);
        var keys = model.state_dict().Keys.Order(StringComparer.Ordinal).ToArray();
        using var holder = new Holder(model);
        Assert.Equal(keys.Select(k => "inner." + k), holder.state_dict().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(keys, model.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    private sealed class Holder : nn.Module
    {
        public Holder(nn.Module inner) : base(nameof(Holder)) => register_module("inner", inner);
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
        using var model = new UNet(UNetConfig.MnistTiny with { Dropout = 0.5 });
        using var scope = NewDisposeScope();
        var x = randn(2, 1, 28, 28);
        var t = full([2], 100, ScalarType.Int64);
        using var noGrad = no_grad();
        model.eval();
        Assert.True(Same(model.call(x, t), model.call(x, t)));
        model.train();
        Assert.False(Same(model.call(x, t), model.call(x, t)));
    }

    [Fact]
    public void AdamSteps_ReduceTheDdpmLossOnAFixedBatch()
    {
        using var model = new UNet(UNetConfig.MnistTiny);
        using var adam = optim.Adam(model.parameters(), lr: 2e-3);
        var loss = new DdpmLoss(NoiseSchedule.Linear(1000));
        using var scope = NewDisposeScope();
        using var g = new Generator(21);
        // A fixed batch: smooth blobs in [−1, 1], fixed timesteps and noise.
        var grid = linspace(-1, 1, 28);
        var r2 = grid.square().unsqueeze(0) + grid.square().unsqueeze(1);
        var x0 = stack(Enumerable.Range(0, 8).Select(i => (r2 * -(1.0 + i)).exp() * 2.0 - 1.0).ToList(), 0).unsqueeze(1);
        var t = randint(0, 1000, [8], generator: g);
        var noise = randn([8, 1, 28, 28], generator: g);

        double Evaluate()
        {
            using var s = NewDisposeScope();
            using var noGrad = no_grad();
            return loss.Compute(model.call, x0, t, noise).item<float>();
        }

        void TrainStep()
        {
            using var s = NewDisposeScope();
            adam.zero_grad();
            loss.Compute(model.call, x0, t, noise).backward();
            adam.step();
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
        var loss = new DdpmLoss(NoiseSchedule.Linear(100));
        EpsilonModel model = (x, t) => x * 0.5;
        using var scope = NewDisposeScope();
        var x0 = randn([4, 1, 5, 5], ScalarType.Float64);
        using var g1 = new Generator(3);
        using var g2 = new Generator(3);
        double a = loss.Compute(model, x0, g1).item<double>();
        double b = loss.Compute(model, x0, g2).item<double>();
        Assert.Equal(a, b);

        // Same draws by hand: t first, then ε.
        using var g3 = new Generator(3);
        var t = randint(0, 100, [4], generator: g3);
        var eps = randn(x0.shape, ScalarType.Float64, generator: g3);
        var xt = new ForwardProcess(loss.Schedule).QSample(x0, t, eps);
        double expected = (xt * 0.5 - eps).square().mean().item<double>();
        Assert.Equal(expected, a, 12);
    }

    [Fact]
    public void Models_AreBuiltOutsideTheCallersScope()
    {
        // Parameters made while a caller's scope is open must survive it (they belong to the model).
        UNet model;
        ScoreMlp mlp;
        using (var scope = NewDisposeScope())
        {
            model = new UNet(UNetConfig.MnistTiny);
            mlp = new ScoreMlp();
        }
        using (model)
        using (mlp)
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            Assert.All(model.parameters(), p => Assert.False(p.IsInvalid));
            Assert.All(mlp.parameters(), p => Assert.False(p.IsInvalid));
            Assert.Equal([2L, 1, 28, 28], model.call(zeros(2, 1, 28, 28), tensor(new long[] { 1, 2 })).shape);
            Assert.Equal([3L, 2], mlp.call(zeros(3, 2), ones(3)).shape);
        }
    }
}

/// <summary>Every GroupNorm of the course's models starts as PyTorch's does (γ = 1, β = 0): fails if one is built with nn.GroupNorm directly.</summary>
public class GroupNormInitialisationTests
{
    public static TheoryData<string> Models => new() { "unet mnist-small", "unet cifar10-sized odd", "mnist classifier", "score mlp", "self-attention" };

    private static nn.Module Build(string name) => name switch
    {
        "unet mnist-small" => new UNet(UNetConfig.MnistSmall),
        "unet cifar10-sized odd" => new UNet(new UNetConfig { ImageSize = 6, ImageChannels = 3, BaseChannels = 8, ChannelMultipliers = [1, 2, 2], AttentionResolutions = [3] }),
        "mnist classifier" => new MnistClassifier(),
        "score mlp" => new ScoreMlp(),
        "self-attention" => new SelfAttention2d(16, 2, 4),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryGroupNorm_StartsAtWeightOneBiasZero(string name)
    {
        // Dirty the allocator first, so that torch.empty is unlikely to hand back zeroed memory by luck.
        using (var scope = NewDisposeScope())
        {
            for (int i = 0; i < 20; i++)
            {
                _ = full([4096], 3.25f);
            }
        }
        using var model = Build(name);
        var norms = model.named_modules().Where(m => m.module is GroupNorm).ToList();
        if (name == "score mlp")
        {
            Assert.Empty(norms);   // it has none: nothing to initialise
            return;
        }
        Assert.NotEmpty(norms);
        foreach (var (path, module) in norms)
        {
            var norm = (GroupNorm)module;
            Assert.All(norm.weight!.data<float>().ToArray(), w => Assert.True(w == 1f, $"{path}.weight holds {w}"));
            Assert.All(norm.bias!.data<float>().ToArray(), b => Assert.True(b == 0f, $"{path}.bias holds {b}"));
        }
    }
}

[Collection(SerialCollection.Name)]
public class UNetDeterminismTests
{
    [Fact]
    public void SameSeed_GivesSameWeightsAndOutput()
    {
        Tensor Run()
        {
            manual_seed(123);
            using var model = new UNet(UNetConfig.MnistTiny);
            model.eval();
            using var g = new Generator(5);
            using var scope = NewDisposeScope();
            var x = randn([2, 1, 28, 28], generator: g);
            using var noGrad = no_grad();
            return model.call(x, tensor(new long[] { 3, 700 })).MoveToOuterDisposeScope();
        }
        using var a = Run();
        using var b = Run();
        Assert.True(UNetTests.Same(a, b));

        manual_seed(123);
        using var m1 = new UNet(UNetConfig.MnistTiny);
        manual_seed(123);
        using var m2 = new UNet(UNetConfig.MnistTiny);
        var s1 = m1.state_dict();
        var s2 = m2.state_dict();
        Assert.All(s1, kv => Assert.True(UNetTests.Same(kv.Value, s2[kv.Key]), kv.Key));
    }

    [Fact]
    public void FiftyForwardPassesInScopes_HoldAFlatLiveTensorCount()
    {
        using var model = new UNet(UNetConfig.MnistSmall);
        model.eval();
        using var g = new Generator(1);
        using var x = randn([2, 1, 28, 28], generator: g);
        using var t = tensor(new long[] { 5, 500 });
        void Pass()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            _ = model.call(x, t).sum().item<float>();
        }
        Pass();   // a first call may create lazily made state
        long before = LiveTensors.Count();
        for (int i = 0; i < 50; i++)
        {
            Pass();
            if (i % 10 == 9)
            {
                Assert.Equal(before, LiveTensors.Count());
            }
        }
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void TrainingStepsInScopes_HoldAFlatLiveTensorCount()
    {
        using var model = new UNet(UNetConfig.MnistTiny);
        using var adam = optim.Adam(model.parameters(), lr: 1e-3);
        using var g = new Generator(2);
        using var x = randn([2, 1, 28, 28], generator: g);
        using var t = tensor(new long[] { 5, 500 });
        void Step()
        {
            using var scope = NewDisposeScope();
            adam.zero_grad();
            nn.functional.mse_loss(model.call(x, t), x).backward();
            adam.step();
        }
        Step();   // Adam's moment buffers and the gradients are made on the first step
        long before = LiveTensors.Count();
        for (int i = 0; i < 5; i++)
        {
            Step();
        }
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void SamplingLoop_LeavesNoLiveTensors()
    {
        using var model = new UNet(UNetConfig.MnistTiny with { ImageSize = 8, ChannelMultipliers = [1, 2], AttentionResolutions = [4] });
        model.eval();
        var sampler = new DdpmSampler(NoiseSchedule.Linear(10));
        using var g = new Generator(1);
        sampler.Sample(model, [2, 1, 8, 8], g).Dispose();   // a first run may create lazily made state
        long before = LiveTensors.Count();
        using (var x = sampler.Sample(model, [2, 1, 8, 8], g))
        {
            Assert.Equal(new long[] { 2, 1, 8, 8 }, x.shape);
        }
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void BuildingAndDisposingModels_LeavesNoLiveTensors()
    {
        long before = LiveTensors.Count();
        new UNet(UNetConfig.MnistTiny).Dispose();
        new MnistClassifier().Dispose();
        new ScoreMlp().Dispose();
        Assert.Equal(before, LiveTensors.Count());
    }
}
