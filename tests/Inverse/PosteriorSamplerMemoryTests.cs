using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Inverse;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Diffusion.Sampling;

namespace Diffusion.Tests.Inverse;

/// <summary>The posterior samplers' loops hold a flat live tensor count and leave only their result behind.</summary>
[Collection(SerialCollection.Name)]
public sealed class PosteriorSamplerMemoryTests
{
    /// <summary>A tiny ε-model with parameters (one 3×3 convolution), so DPS differentiates through a layer.</summary>
    private sealed class TinyConv : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Conv2d _conv;

        public TinyConv() : base(nameof(TinyConv))
        {
            _conv = nn.Conv2d(1, 1, 3, padding: 1);
            register_module("conv", _conv);
            TensorAccounting.Settle(this);
        }

        public override Tensor forward(Tensor x, Tensor t) => _conv.forward(x);
    }

    public static TheoryData<string> Samplers => new() { "sdedit", "ald", "dps" };

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Loop_HoldsAFlatLiveTensorCount(string sampler)
    {
        torch.manual_seed(3);
        using var model = new TinyConv();
        model.eval();
        var eps = EpsilonModels.From(model);
        var schedule = NoiseSchedule.Linear(100, 1e-3, 0.2);
        var a = PixelMask.Box(8, 8, 2, 2, 4, 4);
        using var g = new Generator(4);
        using var x = randn([2, 1, 8, 8], generator: g);
        using var y = a.Measure(x, 0.05, g);

        // Flat memory is shown by growth, not by an exact count at one point (how long a finished step's locals stay
        // reachable depends on the JIT; a Debug build keeps them longer): the count at every recorded step of a run
        // equals the first, and three whole runs leave the same count behind.
        long before = LiveTensors.Count();
        var after = new List<long>();
        var during = new List<long>();
        // SDEdit: 3 passes of 20 steps; count at steps 5, 10, 15 of each pass (the first step of a pass holds the noised start too).
        Action<SamplingStep> observe = s =>
        {
            bool record = sampler == "sdedit" ? s.Index % 20 % 5 == 0 && s.Index % 20 != 0 : s.Index % 20 == 10;
            if (record)
            {
                during.Add(LiveTensors.Count());
            }
        };
        for (int run = 0; run < 3; run++)
        {
            during.Clear();
            Tensor result = sampler switch
            {
                "sdedit" => new SdEdit(schedule, new SdEditOptions { T0 = 0.5, Repeats = 3, Steps = 20 }).Sample(eps, a, y, g, observer: observe),
                "ald" => new ScoreAld(schedule, new ScoreAldOptions { Levels = 50, StepsPerLevel = 2, StepSize = 1e-4 }).Sample(eps, a, y, g, observer: observe),
                "dps" => new Dps(schedule).Sample(eps, a, y, g, observer: observe),
                _ => throw new ArgumentException(sampler),
            };
            using (result)
            {
                Assert.False(result.isnan().any().item<bool>());
            }
            after.Add(LiveTensors.Count());
            Assert.True(during.Count >= 4, $"only {during.Count} counts recorded");
            Assert.All(during, c => Assert.Equal(during[0], c));
            Assert.InRange(during[0] - before, 1, 40);
        }
        Assert.All(after, c => Assert.Equal(after[0], c));
        Assert.InRange(after[0] - before, 0, 4);
    }

    [Fact]
    public void Dps_InACallersScope_LeavesOnlyTheResultInIt()
    {
        using var model = new TinyConv();
        model.eval();
        var a = new GaussianBlur(8, 8, 3, 1.0, BlurPadding.Reflect);
        using var y = zeros(2, 1, 8, 8);
        long before = LiveTensors.Count();
        using (var scope = NewDisposeScope())
        {
            using var g = new Generator(5);
            var sample = new Dps(NoiseSchedule.Linear(50), new DpsOptions { Steps = 10 }).Sample(EpsilonModels.From(model), a, y, g);
            Assert.Equal(1, scope.DisposablesCount);
            Assert.False(sample.IsInvalid);
        }
        Assert.Equal(before, LiveTensors.Count());
    }
}
