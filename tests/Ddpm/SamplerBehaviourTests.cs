using Diffusion.Ddpm;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Ddpm;

public class SamplerBehaviourTests
{
    private static readonly NoiseSchedule Schedule1000 = NoiseSchedule.Linear(1000);

    // A smooth stand-in for a trained model: ε̂ = 0.3 x + 0.001 t.
    internal static Tensor Toy(Tensor x, Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        return (x * 0.3 + t.to(x.dtype).reshape(shape) * 0.001).MoveToOuterDisposeScope();
    }

    [Fact]
    public void SetTimesteps50_Over1000_GivesTheDocumentedSpacings()
    {
        var leading = new DdimSampler(Schedule1000, steps: 50);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => 980 - 20 * i), leading.Timesteps);

        var trailing = new DdimSampler(Schedule1000, steps: 50, spacing: TimestepSpacing.Trailing);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => 999 - 20 * i), trailing.Timesteps);

        var linspace = new DdimSampler(Schedule1000, steps: 50, spacing: TimestepSpacing.Linspace);
        int[] l = linspace.Timesteps;
        Assert.Equal(50, l.Length);
        Assert.Equal(999, l[0]);
        Assert.Equal(0, l[^1]);
        Assert.Equal(Math.Round(999.0 * 48 / 49, MidpointRounding.ToEven), l[1]);

        // Every spacing with S = T is the full chain T − 1 … 0.
        foreach (var spacing in Enum.GetValues<TimestepSpacing>())
        {
            var full = new DdpmSampler(NoiseSchedule.Linear(20), spacing: spacing);
            Assert.Equal(Enumerable.Range(0, 20).Reverse(), full.Timesteps);
        }
    }

    [Fact]
    public void SetTimesteps_RejectsCountsOutsideOneToT()
    {
        var s = new DdpmSampler(NoiseSchedule.Linear(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.SetTimesteps(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.SetTimesteps(11));
    }

    [Fact]
    public void Step_ThrowsForATimestepNotInTheList()
    {
        using var scope = torch.NewDisposeScope();
        var s = new DdimSampler(Schedule1000, steps: 50);
        var x = torch.zeros([1, 4]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => s.Step(x, 999, x));
        Assert.Contains("999", e.Message);
    }

    [Theory]
    [InlineData(VarianceType.FixedLarge)]
    [InlineData(VarianceType.FixedSmall)]
    public void DdpmStepAtZero_AddsNoNoiseAndDrawsNothing(VarianceType variance)
    {
        using var scope = torch.NewDisposeScope();
        var sampler = new DdpmSampler(Schedule1000, variance, clipSample: false);
        using var g = new torch.Generator(3);
        var x = torch.randn([2, 1, 5, 5], dtype: float64, generator: g);
        var eps = torch.randn([2, 1, 5, 5], dtype: float64, generator: g);
        var state = g.get_state();

        using var result = sampler.Step(eps, 0, x, g);

        // At t = 0 the mean is x̂_0 itself (coefficients 1 and 0) and no z is drawn from the generator.
        var x0 = new ForwardProcess(Schedule1000).PredictX0FromEps(x, NoiseSchedule.Steps(0, 2), eps);
        Assert.True(result.PrevSample.allclose(x0, 1e-12, 1e-12));
        Assert.True(result.PrevSample.allclose(result.PredOriginalSample, 1e-12, 1e-12));
        var after = g.get_state();
        Assert.True(after.Equals(state));
        int draws = 0;
        using var counted = sampler.Step(eps, 0, x, (shape, dtype, device) => { draws++; return torch.zeros(shape, dtype: dtype, device: device); });
        Assert.Equal(0, draws);
    }

    [Fact]
    public void DdpmStep_IsEq11PosteriorMeanPlusSigmaZ()
    {
        using var scope = torch.NewDisposeScope();
        var process = new ForwardProcess(Schedule1000);
        foreach (var (variance, sigma2) in new[] { (VarianceType.FixedLarge, Schedule1000.Betas[500]), (VarianceType.FixedSmall, Schedule1000.PosteriorVariance[500]) })
        {
            var sampler = new DdpmSampler(Schedule1000, variance, clipSample: false);
            using var g = new torch.Generator(4);
            var x = torch.randn([3, 8], dtype: float64, generator: g);
            var eps = torch.randn([3, 8], dtype: float64, generator: g);
            var z = torch.randn([3, 8], dtype: float64, generator: g);
            // The z is handed to the step explicitly (a NoiseSource), so the expectation uses the very same draw.
            var (prev, _) = sampler.Step(eps, 500, x, (shape, dtype, device) => z.clone());
            var expected = process.PosteriorMeanFromEps(x, NoiseSchedule.Steps(500, 3), eps) + z * Math.Sqrt(sigma2);
            Assert.True(prev.allclose(expected, 1e-10, 1e-10), variance.ToString());
        }
    }

    [Fact]
    public void Step_WithAGenerator_DrawsOneStandardNormalOfXsShape()
    {
        // Step(…, generator) is Step(…, NoiseSources.From(generator)): the same generator state gives the same step.
        using var scope = torch.NewDisposeScope();
        var sampler = new DdpmSampler(Schedule1000, VarianceType.FixedLarge, clipSample: false);
        var x = torch.ones([2, 3], dtype: float64);
        var eps = torch.zeros([2, 3], dtype: float64);
        using var g1 = new torch.Generator(8);
        using var g2 = new torch.Generator(8);
        var a = sampler.Step(eps, 700, x, g1).PrevSample;
        var z = torch.randn([2, 3], dtype: float64, generator: g2);
        var b = sampler.Step(eps, 700, x, (shape, dtype, device) => z.clone()).PrevSample;
        Assert.True(a.Equals(b));
    }

    [Fact]
    public void DdimWithEtaOne_OverAllSteps_HasThePosteriorStandardDeviation()
    {
        var sampler = new DdimSampler(Schedule1000, eta: 1, steps: 1000);
        foreach (int t in new[] { 1, 10, 500, 999 })
        {
            Assert.Equal(Math.Sqrt(Schedule1000.PosteriorVariance[t]), sampler.Sigma(t), 12);
        }
        Assert.Equal(0, sampler.Sigma(0));
        Assert.Equal(0, new DdimSampler(Schedule1000, eta: 0).Sigma(980));
    }

    [Fact]
    public void DdimWithEtaZero_IsDeterministic()
    {
        using var scope = torch.NewDisposeScope();
        var sampler = new DdimSampler(Schedule1000, eta: 0, steps: 20);
        using var noise = new torch.Generator(5);
        var xT = torch.randn([2, 1, 6, 6], generator: noise);
        using var g1 = new torch.Generator(1);
        using var g2 = new torch.Generator(2);
        var a = sampler.Sample(Toy, xT, g1);
        var b = sampler.Sample(Toy, xT, g2);
        var c = sampler.Sample(Toy, xT);
        Assert.True(a.Equals(b));
        Assert.True(a.Equals(c));

        // With η = 1 the generator matters.
        var stochastic = new DdimSampler(Schedule1000, eta: 1, steps: 20);
        using var g3 = new torch.Generator(1);
        using var g4 = new torch.Generator(2);
        Assert.False(stochastic.Sample(Toy, xT, g3).Equals(stochastic.Sample(Toy, xT, g4)));
    }

    [Fact]
    public void Sample_SameSeedGivesSameSamples_AndObserverSeesEveryStep()
    {
        using var scope = torch.NewDisposeScope();
        var sampler = new DdpmSampler(NoiseSchedule.Linear(30));
        var seen = new List<int>();
        using var g1 = new torch.Generator(9);
        var a = sampler.Sample(Toy, [2, 1, 4, 4], g1, s => seen.Add(s.Timestep));
        using var g2 = new torch.Generator(9);
        var b = sampler.Sample(Toy, [2, 1, 4, 4], g2);
        Assert.True(a.Equals(b));
        Assert.Equal(Enumerable.Range(0, 30).Reverse(), seen);
        Assert.False(a.requires_grad);
    }

    [Fact]
    public void Sample_LeavesXTAlone()
    {
        using var scope = torch.NewDisposeScope();
        var sampler = new DdimSampler(NoiseSchedule.Linear(30), steps: 5);
        var xT = torch.randn([2, 3], generator: new torch.Generator(1));
        var copy = xT.clone();
        var x0 = sampler.Sample(Toy, xT);
        Assert.False(xT.IsInvalid);
        Assert.True(xT.Equals(copy));
        Assert.False(ReferenceEquals(x0, xT));
    }

    [Fact]
    public void Sample_StopsWhenCancelled()
    {
        using var scope = torch.NewDisposeScope();
        var sampler = new DdpmSampler(NoiseSchedule.Linear(30));
        using var cts = new CancellationTokenSource();
        int steps = 0;
        Assert.Throws<OperationCanceledException>(() => sampler.Sample(Toy, [1, 4], observer: s =>
        {
            if (++steps == 3)
            {
                cts.Cancel();
            }
        }, cancellation: cts.Token));
        Assert.Equal(3, steps);
    }

    [Fact]
    public void Step_ThrowsForMismatchedShapes_NamingBoth()
    {
        using var scope = torch.NewDisposeScope();
        var s = new DdpmSampler(NoiseSchedule.Linear(10));
        var e = Assert.Throws<ArgumentException>(() => s.Step(torch.zeros([2, 3]), 5, torch.zeros([2, 4])));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
    }

    [Fact]
    public void Sample_ThrowsWhenTheModelReturnsAnotherShape()
    {
        using var scope = torch.NewDisposeScope();
        var s = new DdimSampler(NoiseSchedule.Linear(10), steps: 2);
        var e = Assert.Throws<ArgumentException>(() => s.Sample((x, t) => x.sum(1), [2, 4]));
        Assert.Contains("[2]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
    }

    [Fact]
    public void Sample_ReportsAModelThatRejectsTheInput_WithTheShape()
    {
        using var scope = torch.NewDisposeScope();
        var s = new DdimSampler(NoiseSchedule.Linear(10), steps: 2);
        using var layer = nn.Linear(5, 5);          // built for rows of 5, given rows of 4
        var e = Assert.Throws<ArgumentException>(() => s.Sample((x, t) => layer.forward(x), [2, 4]));
        Assert.Contains("[2, 4]", e.Message);
        Assert.DoesNotContain("frame #", e.Message);
    }

    [Fact]
    public void Sample_AcceptsAnyModule()
    {
        // The samplers take any nn.Module<Tensor, Tensor, Tensor> as ε_θ, not only the course's UNet.
        using var scope = torch.NewDisposeScope();
        using var module = new ScaledInput(0.3);
        var sampler = new DdimSampler(NoiseSchedule.Linear(20), steps: 4);
        using var g1 = new torch.Generator(3);
        using var g2 = new torch.Generator(3);
        var fromModule = sampler.Sample(module, [2, 1, 3, 3], g1);
        var fromDelegate = sampler.Sample((x, t) => x * 0.3, [2, 1, 3, 3], g2);
        Assert.True(fromModule.allclose(fromDelegate, 0, 0));
    }

    private sealed class ScaledInput : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly double _scale;

        public ScaledInput(double scale) : base(nameof(ScaledInput)) => _scale = scale;

        public override Tensor forward(Tensor x, Tensor t) => x * _scale;
    }
}
