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

        long before = LiveTensors.Count();
        var during = new List<(int Step, long Count)>();
        using (var result = sampler.Sample(model, xT, g, observer: step =>
        {
            if (step.Index % 100 == 0 || step.Index == step.Count - 1)
            {
                during.Add((step.Index, LiveTensors.Count()));
            }
        }))
        {
            // Inside the observer: the step's own temporaries (t, ε̂, x̂_0, x_{t−1}, …) and the previous x, which at the
            // first step is the caller's x_T (counted in 'before'); the same at every later step, so nothing accumulates.
            // After the loop: the result alone.
            Assert.Equal(11, during.Count);
            Assert.Equal(during[1].Count - 1, during[0].Count);
            Assert.All(during.Skip(1), d => Assert.Equal(during[1].Count, d.Count));
            Assert.InRange(during[1].Count - before, 2, 20);
            Assert.Equal(before + 1, LiveTensors.Count());
            Assert.False(result.isnan().any().item<bool>());
        }
        Assert.Equal(before, LiveTensors.Count());
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
