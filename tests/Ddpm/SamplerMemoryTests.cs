using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Ddpm;

/// <summary>The sampling loops hold a flat live tensor count: every step's temporaries go with its dispose scope.</summary>
[Collection(SerialCollection.Name)]
public sealed class SamplerMemoryTests
{
    /// <summary>A tiny ε-model with parameters: one 3×3 convolution of the 1-channel image.</summary>
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

    [Fact]
    public void DdpmLoop_OfAThousandSteps_HoldsAFlatLiveTensorCount()
    {
        torch.manual_seed(1);
        using var model = new TinyConv();
        model.eval();
        var sampler = new DdpmSampler(NoiseSchedule.Linear(1000));
        Assert.Equal(1000, sampler.StepCount);
        using var g = new torch.Generator(2);
        using var xT = torch.randn([2, 1, 8, 8], generator: g);

        // Flat memory is shown by growth, not by an exact count at one point: how long a finished step's locals stay
        // reachable depends on the JIT (a Debug build keeps them to the end of their method), but a leak grows the count
        // with every step and every run. So: the count at steps 100, 200, ..., 999 equals the count at step 100, and three
        // whole runs leave the same count behind.
        long before = LiveTensors.Count();
        var after = new List<long>();
        var during = new List<(int Step, long Count)>();
        for (int run = 0; run < 3; run++)
        {
            during.Clear();
            using (var result = sampler.Sample(model, xT, g, observer: step =>
            {
                if (step.Index % 100 == 0 || step.Index == step.Count - 1)
                {
                    during.Add((step.Index, LiveTensors.Count()));
                }
            }))
            {
                Assert.False(result.isnan().any().item<bool>());
            }
            after.Add(LiveTensors.Count());
            Assert.Equal(11, during.Count);
            Assert.All(during.Skip(1), d => Assert.Equal(during[1].Count, d.Count));
            // The step's own temporaries (t, ε̂, x̂_0, x_{t−1}, ...): a few, not hundreds.
            Assert.InRange(during[1].Count - before, 2, 20);
        }
        Assert.All(after, a => Assert.Equal(after[0], a));
        Assert.InRange(after[0] - before, 0, 4);
    }

    [Fact]
    public void DdimLoop_InACallersScope_LeavesOnlyTheResultInIt()
    {
        using var model = new TinyConv();
        model.eval();
        var sampler = new DdimSampler(NoiseSchedule.Linear(1000), eta: 1.0, steps: 100);
        long before = LiveTensors.Count();
        using (var scope = torch.NewDisposeScope())
        {
            using var g = new torch.Generator(3);
            var sample = sampler.Sample(model, [2, 1, 8, 8], g);
            Assert.Equal(1, scope.DisposablesCount);
            Assert.Equal(before + 1, LiveTensors.Count());
            Assert.False(sample.IsInvalid);
        }
        Assert.Equal(before, LiveTensors.Count());
    }
}
