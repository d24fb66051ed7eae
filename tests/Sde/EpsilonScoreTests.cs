using Diffusion.Ddpm;
using Diffusion.Sde;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Sde;

/// <summary>
/// A DDPM ε-model through <see cref="EpsilonScore"/> drives the VP SDE's ancestral predictor; on DDPM's own grid t = i/(N − 1)
/// and with the discrete noise level √(1 − ᾱ_i), the predictor's mean (x + β_i s)/√(1 − β_i) with s = −ε̂/√(1 − ᾱ_i) is
/// Ho et al.'s (x − β_i ε̂/√(1 − ᾱ_i))/√α_i and its noise √β_i z is the fixed-large σ_i z: the same chain.
/// </summary>
public class EpsilonScoreTests(ITestOutputHelper output)
{
    private const int Steps = 1000;

    /// <summary>
    /// A tiny random ε-model: ε̂ = √(1 − ᾱ_i) x + 0.3 tanh(x W + c i/1000) per row of the flattened image, i the int64 step (the
    /// first term is the exact ε of N(0, I) data, which keeps samples O(1); the second makes it nonlinear and step-dependent).
    /// </summary>
    private static EpsilonModel TinyModel(int d, ScalarType dtype)
    {
        var schedule = NoiseSchedule.Linear(Steps);
        var gen = new Generator(11).manual_seed(11);
        var w = torch.randn([d, d], dtype: ScalarType.Float64, generator: gen).to(dtype) * 0.5;
        var c = torch.randn([d], dtype: ScalarType.Float64, generator: gen).to(dtype);
        return (x, t) =>
        {
            if (t.dtype != ScalarType.Int64)
            {
                throw new ArgumentException($"an ε-model takes int64 steps, got {t.dtype}");
            }
            using var scope = torch.NewDisposeScope();
            long b = x.shape[0];
            var h = x.reshape(b, -1).matmul(w) + c * (t.to(x.dtype) / 1000).unsqueeze(1);
            var eps = x * NoiseSchedule.Extract(schedule.SqrtOneMinusAlphaBars, t, x) + h.tanh().reshape(x.shape) * 0.3;
            return eps.MoveToOuterDisposeScope();
        };
    }

    /// <summary>Replays pre-drawn z's in call order (one per call, whatever the caller).</summary>
    private sealed class Replay(IReadOnlyList<Tensor> draws)
    {
        private int _next;

        public NoiseSource Source => (shape, dtype, device) => draws[_next++].to(dtype).clone();
    }

    private static (List<Tensor> Noise, Tensor XT) Draws(long[] shape, ScalarType dtype)
    {
        var gen = new Generator(12).manual_seed(12);
        var xT = torch.randn(shape, dtype: dtype, generator: gen);
        var noise = Enumerable.Range(0, Steps).Select(_ => torch.randn(shape, dtype: dtype, generator: gen)).ToList();
        return (noise, xT);
    }

    [Theory]
    [InlineData(ScalarType.Float64, 1e-12)]
    [InlineData(ScalarType.Float32, 2e-5)]
    public void AncestralPredictor_ReproducesDdpmSampler_StepByStep(ScalarType dtype, double tolerance)
    {
        using var scope = torch.NewDisposeScope();
        var schedule = NoiseSchedule.Linear(Steps);
        var sde = EpsilonScore.SdeFor(schedule);
        Assert.Equal(0.1, sde.BetaMin, 12);
        Assert.Equal(20, sde.BetaMax, 12);
        long[] shape = [3, 1, 2, 2];
        var model = TinyModel(4, dtype);
        var (noise, xT) = Draws(shape, dtype);
        var ddpm = new DdpmSampler(schedule, VarianceType.FixedLarge, clipSample: false);
        var predictor = new AncestralPredictor(sde, EpsilonScore.From(model, sde), new Replay(noise).Source);
        var ddpmNoise = new Replay(noise).Source;
        Tensor xd = xT, xs = xT;
        double worst = 0;
        foreach (int i in ddpm.Timesteps)
        {
            using var step = torch.NewDisposeScope();
            var eps = model(xd, NoiseSchedule.Steps(i, shape[0]));
            var nextD = ddpm.Step(eps, i, xd, ddpmNoise).PrevSample;
            var t = torch.full([shape[0]], i / (Steps - 1.0), dtype: dtype);
            var (x, mean) = predictor.Update(xs, t);
            var nextS = i == 0 ? mean : x;
            worst = Math.Max(worst, (nextD - nextS).abs().max().to(ScalarType.Float64).item<double>() / Math.Max(1, nextD.abs().max().to(ScalarType.Float64).item<double>()));
            xd = nextD.MoveToOuterDisposeScope();
            xs = nextS.MoveToOuterDisposeScope();
        }
        output.WriteLine($"{dtype}: worst per-step relative |DDPM − ancestral| = {worst:E2} over {Steps} steps");
        Assert.InRange(worst, 0, tolerance);

        // The PC sampler, predictor only, returning the last mean, on the grid t_k = 1 − k/(N − 1) (ε = 0) and on its default grid
        // t_k = 1 − k (1 − ε)/(N − 1) (ε = 1e-3), which truncation maps to the same indices 999 … 0: DDPM's sample both times.
        foreach (double eps in new[] { 0.0, 1e-3 })
        {
            var pc = new PcSampler(sde, new AncestralPredictor(sde, EpsilonScore.From(model, sde), new Replay(noise).Source), null, eps: eps);
            var sample = pc.Sample(xT).Samples;
            double final = (sample - xd).abs().max().to(ScalarType.Float64).item<double>() / xd.abs().max().to(ScalarType.Float64).item<double>();
            output.WriteLine($"{dtype}: PC sampler (ε = {eps}) vs DDPM final sample, relative: {final:E2}");
            Assert.InRange(final, 0, tolerance * 10);
        }
    }

    /// <summary>
    /// The PC sampler's default grid t_k = 1 − k (1 − ε)/(N − 1), ε = 1e-3, gives t_k (N − 1) = 999 − k + k ε. Truncation (as
    /// score_sde_pytorch's <c>(t (N − 1)).long()</c>, with the small tolerance δ) visits 999 … 0 once each, in float64 and float32;
    /// rounding would pass k ε = 0.5 at k = 500 and visit index 500 twice and index 0 never. With the discrete noise level the
    /// sampler on that grid is DDPM's chain; with the marginal σ(t) in place of √(1 − ᾱ_i) the scores differ (up to 41% at i = 1,
    /// infinite at t = 0), and so does the sample.
    /// </summary>
    [Fact]
    public void DefaultPcGrid_VisitsEachIndexOnce()
    {
        using var scope = torch.NewDisposeScope();
        var sde = new VpSde(0.1, 20, Steps);
        var times = new PcSampler(sde, null, null, eps: 1e-3).Times();
        foreach (var dtype in new[] { ScalarType.Float64, ScalarType.Float32 })
        {
            var indices = sde.StepIndices(torch.tensor(times, dtype: ScalarType.Float64).to(dtype));
            Assert.Equal(Enumerable.Range(0, Steps).Reverse().Select(i => (long)i), indices);
            // Exact grid points i/(N − 1), even after float32 round-off, map to i.
            var exact = sde.StepIndices(torch.tensor(Enumerable.Range(0, Steps).Select(i => i / (Steps - 1.0)).ToArray(), dtype: ScalarType.Float64).to(dtype));
            Assert.Equal(Enumerable.Range(0, Steps).Select(i => (long)i), exact);
        }
        var rounded = times.Select(t => (long)Math.Round(t * (Steps - 1))).ToArray();
        Assert.Equal(2, rounded.Count(i => i == 500));
        Assert.Equal(1, rounded.Min());

        // What the noise level costs on the tiny model: the final samples of DDPM and of the PC sampler on its default grid.
        var schedule = NoiseSchedule.Linear(Steps);
        long[] shape = [3, 1, 2, 2];
        var model = TinyModel(4, ScalarType.Float64);
        var (noise, xT) = Draws(shape, ScalarType.Float64);
        var ddpm = new DdpmSampler(schedule, VarianceType.FixedLarge, clipSample: false).Sample(model, xT, new Replay(noise).Source);
        foreach (var level in new[] { EpsilonNoiseLevel.Discrete, EpsilonNoiseLevel.Marginal })
        {
            var pc = new PcSampler(sde, new AncestralPredictor(sde, EpsilonScore.From(model, sde, level), new Replay(noise).Source), null);
            double diff = (pc.Sample(xT).Samples - ddpm).abs().max().to(ScalarType.Float64).item<double>();
            output.WriteLine($"PC sampler ε = 1e-3, {level} noise level: max |x − x_DDPM| = {diff:E3} (DDPM sample max |x| {ddpm.abs().max().to(ScalarType.Float64).item<double>():F3})");
            if (level == EpsilonNoiseLevel.Discrete)
            {
                Assert.InRange(diff, 0, 1e-10);
            }
            else
            {
                Assert.True(diff > 1e-6);
            }
        }
    }

    /// <summary>
    /// With the marginal σ(t) instead of √(1 − ᾱ_i), one ancestral step from the same x on DDPM's grid differs from DDPM's mean
    /// by exactly β_i ε̂ (1/√(1 − ᾱ_i) − 1/σ(t)) / √α_i: the whole difference is the noise-level mismatch.
    /// </summary>
    [Fact]
    public void MarginalNoiseLevel_OneStepDifferenceIsTheStdMismatch()
    {
        using var scope = torch.NewDisposeScope();
        var schedule = NoiseSchedule.Linear(Steps);
        var sde = EpsilonScore.SdeFor(schedule);
        var model = TinyModel(4, ScalarType.Float64);
        var x = torch.randn([3, 1, 2, 2], dtype: ScalarType.Float64, generator: new Generator(13).manual_seed(13));
        var zero = (NoiseSource)((shape, dtype, device) => torch.zeros(shape, dtype: dtype, device: device));
        var predictor = new AncestralPredictor(sde, EpsilonScore.From(model, sde, EpsilonNoiseLevel.Marginal), zero);
        var ddpm = new DdpmSampler(schedule, VarianceType.FixedLarge, clipSample: false);
        foreach (int i in new[] { 1, 10, 100, 500, 999 })
        {
            double time = i / (Steps - 1.0);
            var eps = model(x, NoiseSchedule.Steps(i, 3));
            var (_, mean) = predictor.Update(x, torch.full([3], time, dtype: ScalarType.Float64));
            // DDPM's mean: its step with zero noise.
            var ddpmMean = ddpm.Step(eps, i, x, zero).PrevSample;
            double sigma = sde.MarginalStd(torch.tensor(new[] { time }, dtype: ScalarType.Float64)).item<double>();
            double beta = schedule.Betas[i];
            var predicted = eps * (beta * (1 / schedule.SqrtOneMinusAlphaBars[i] - 1 / sigma) / Math.Sqrt(1 - beta));
            Assert.True((mean - ddpmMean).allclose(predicted, 1e-9, 1e-12), $"step {i}");
            output.WriteLine($"i = {i}: max one-step difference {(mean - ddpmMean).abs().max().item<double>():E3}");
        }
    }

    [Fact]
    public void Adapter_IsMinusEpsilonOverNoiseLevel()
    {
        using var scope = torch.NewDisposeScope();
        var sde = new VpSde(0.1, 20, Steps);
        var seen = new List<long>();
        EpsilonModel model = (x, t) =>
        {
            seen.AddRange(t.data<long>().ToArray());
            return x * 2;
        };
        var x = torch.ones([3, 2], dtype: ScalarType.Float64);
        var t = torch.tensor(new[] { 0.0, 0.5, 1.0 }, dtype: ScalarType.Float64);
        var discrete = EpsilonScore.From(model, sde)(x, t);
        var marginal = EpsilonScore.From(model, sde, EpsilonNoiseLevel.Marginal)(x, t);
        // t (N − 1) = 499.5 at t = 0.5 truncates to 499.
        Assert.Equal([0L, 499, 999, 0, 499, 999], seen);
        int[] idx = [0, 499, 999];
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(-2 / Math.Sqrt(1 - sde.AlphaBars[idx[r]]), discrete[r, 0].item<double>(), 12);
        }
        Assert.True(marginal.narrow(0, 1, 2).allclose(-2 / sde.MarginalStd(t.narrow(0, 1, 2)).unsqueeze(1).expand(2, 2), 0, 1e-12));
        Assert.True(double.IsInfinity(marginal[0, 0].item<double>()));
        // Schedules that are not linear are refused; a wrong output shape is named.
        Assert.Contains("not linear", Assert.Throws<ArgumentException>(() => EpsilonScore.SdeFor(NoiseSchedule.Cosine(Steps))).Message);
        var bad = EpsilonScore.From((xx, tt) => xx.narrow(1, 0, 1), sde);
        Assert.Contains("[3, 1]", Assert.Throws<InvalidOperationException>(() => bad(x, t)).Message);
    }

    /// <summary>
    /// The interpolated score takes the real label u = t (N − 1): at integer u it is the discrete score; between two steps its
    /// σ̃ is the linear interpolation of √(1 − ᾱ), so a network constant in u gives a score that moves monotonically between them.
    /// </summary>
    [Fact]
    public void Interpolated_EqualsDiscreteOnTheGridAndIsContinuousBetween()
    {
        using var scope = torch.NewDisposeScope();
        var sde = new VpSde(0.1, 20, Steps);
        var labels = new List<double>();
        Func<Tensor, Tensor, Tensor> network = (x, u) =>
        {
            labels.AddRange(u.to(ScalarType.Float64).data<double>().ToArray());
            return x * 2;
        };
        EpsilonModel discreteModel = (x, t) => x * 2;
        var x = torch.ones([4, 2], dtype: ScalarType.Float64);
        var grid = torch.tensor(new[] { 0.0, 10 / 999.0, 500 / 999.0, 1.0 }, dtype: ScalarType.Float64);
        var interpolated = EpsilonScore.Interpolated(network, sde)(x, grid);
        var discrete = EpsilonScore.From(discreteModel, sde)(x, grid);
        Assert.True(interpolated.allclose(discrete, 1e-12, 1e-12), "on the grid the interpolated score is the discrete one");
        Assert.Equal(500, labels[2], 9);
        var between = torch.tensor(new[] { 10.5 / 999.0 }, dtype: ScalarType.Float64);
        double mid = EpsilonScore.Interpolated(network, sde)(x.narrow(0, 0, 1), between)[0, 0].item<double>();
        double expected = -2 / ((Math.Sqrt(1 - sde.AlphaBars[10]) + Math.Sqrt(1 - sde.AlphaBars[11])) / 2);
        Assert.Equal(expected, mid, 10);
        Assert.Equal(10.5, labels[^1], 9);
        Assert.Contains("one time per row", Assert.Throws<ArgumentException>(() => EpsilonScore.Interpolated(network, sde)(x, between)).Message);
    }
}
