using Diffusion.Ddpm;
using Diffusion.Tensors;

namespace Diffusion.Tests.Ddpm;

public class SamplerBehaviourTests
{
    private static readonly NoiseSchedule Schedule1000 = NoiseSchedule.Linear(1000);

    // A smooth stand-in for a trained model: ε̂ = 0.3 x + 0.001 t.
    private static Tensor Toy(Tensor x, Tensor t)
    {
        using var scope = new TensorScope();
        var shape = new long[x.Dim];
        Array.Fill(shape, 1L);
        shape[0] = x.Size(0);
        return scope.Keep(x * 0.3 + t.To(x.DType).Reshape(shape) * 0.001);
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
        using var scope = new TensorScope();
        var s = new DdimSampler(Schedule1000, steps: 50);
        var x = Torch.Zeros([1, 4]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => s.Step(x, 999, x));
        Assert.Contains("999", e.Message);
    }

    [Theory]
    [InlineData(VarianceType.FixedLarge)]
    [InlineData(VarianceType.FixedSmall)]
    public void DdpmStepAtZero_AddsNoNoiseAndDrawsNothing(VarianceType variance)
    {
        using var scope = new TensorScope();
        var sampler = new DdpmSampler(Schedule1000, variance, clipSample: false);
        using var g = new Generator(3);
        var x = Torch.Randn([2, 1, 5, 5], DType.Float64, generator: g);
        var eps = Torch.Randn([2, 1, 5, 5], DType.Float64, generator: g);
        using var state = g.GetState();

        using var result = sampler.Step(eps, 0, x, g);

        // At t = 0 the mean is x̂_0 itself (coefficients 1 and 0) and no z is drawn from the generator.
        var x0 = new ForwardProcess(Schedule1000).PredictX0FromEps(x, NoiseSchedule.Steps(0, 2), eps);
        Assert.True(result.PrevSample.AllClose(x0, 1e-12, 1e-12));
        Assert.True(result.PrevSample.AllClose(result.PredOriginalSample, 1e-12, 1e-12));
        using var after = g.GetState();
        Assert.True(after.Equal(state));
    }

    [Fact]
    public void DdpmStep_IsEq11PosteriorMeanPlusSigmaZ()
    {
        using var scope = new TensorScope();
        var process = new ForwardProcess(Schedule1000);
        foreach (var (variance, sigma2) in new[] { (VarianceType.FixedLarge, Schedule1000.Betas[500]), (VarianceType.FixedSmall, Schedule1000.PosteriorVariance[500]) })
        {
            var sampler = new DdpmSampler(Schedule1000, variance, clipSample: false);
            using var g1 = new Generator(4);
            var x = Torch.Randn([3, 8], DType.Float64, generator: g1);
            var eps = Torch.Randn([3, 8], DType.Float64, generator: g1);
            using var state = g1.GetState();
            using var result = sampler.Step(eps, 500, x, g1);
            using var g2 = new Generator(0);
            g2.SetState(state);
            var z = Torch.Randn([3, 8], DType.Float64, generator: g2);
            var expected = process.PosteriorMeanFromEps(x, NoiseSchedule.Steps(500, 3), eps) + z * Math.Sqrt(sigma2);
            Assert.True(result.PrevSample.AllClose(expected, 1e-10, 1e-10), variance.ToString());
        }
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
        using var scope = new TensorScope();
        var sampler = new DdimSampler(Schedule1000, eta: 0, steps: 20);
        using var noise = new Generator(5);
        var xT = Torch.Randn([2, 1, 6, 6], generator: noise);
        using var g1 = new Generator(1);
        using var g2 = new Generator(2);
        var a = sampler.Sample(Toy, xT, g1);
        var b = sampler.Sample(Toy, xT, g2);
        var c = sampler.Sample(Toy, xT);
        Assert.True(a.Equal(b));
        Assert.True(a.Equal(c));

        // With η = 1 the generator matters.
        var stochastic = new DdimSampler(Schedule1000, eta: 1, steps: 20);
        using var g3 = new Generator(1);
        using var g4 = new Generator(2);
        Assert.False(stochastic.Sample(Toy, xT, g3).Equal(stochastic.Sample(Toy, xT, g4)));
    }

    [Fact]
    public void Sample_SameSeedGivesSameSamples_AndObserverSeesEveryStep()
    {
        using var scope = new TensorScope();
        var sampler = new DdpmSampler(NoiseSchedule.Linear(30));
        var seen = new List<int>();
        using var g1 = new Generator(9);
        var a = sampler.Sample(Toy, [2, 1, 4, 4], g1, s => seen.Add(s.Timestep));
        using var g2 = new Generator(9);
        var b = sampler.Sample(Toy, [2, 1, 4, 4], g2);
        Assert.True(a.Equal(b));
        Assert.Equal(Enumerable.Range(0, 30).Reverse(), seen);
        Assert.False(a.RequiresGrad);
    }

    [Fact]
    public void Sample_StopsWhenCancelled()
    {
        using var scope = new TensorScope();
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
    public void Step_ThrowsForMismatchedShapes()
    {
        using var scope = new TensorScope();
        var s = new DdpmSampler(NoiseSchedule.Linear(10));
        Assert.Throws<ArgumentException>(() => s.Step(Torch.Zeros([2, 3]), 5, Torch.Zeros([2, 4])));
    }
}
