using Diffusion.Cold;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Cold;

public class ColdSamplerTests
{
    /// <summary>The paper's example of a degradation linear in s: D(x, s) = x + (s / T) e for a fixed image e.</summary>
    private sealed class AdditiveDrift(int t, Tensor e) : Degradation(t)
    {
        public override string Name => "drift";

        public override string Describe() => "x + (s/T) e";

        protected override Tensor ApplyChecked(Tensor x, Tensor s) => x + s.to(x.dtype).reshape(-1, 1, 1, 1) / T * e;
    }

    private static Tensor Images(int batch, ulong seed)
    {
        using var g = new Generator(seed);
        return rand([batch, 1, 28, 28], dtype: float64, generator: g) * 2 - 1;
    }

    /// <summary>Runs a sampler from D(x_0, T) and returns max_s ‖x_{s−1} − D(x_0, s − 1)‖_∞ over the whole chain.</summary>
    private static double WorstDeviation(ColdSampler sampler, Restorer restorer, Tensor x0)
    {
        using var scope = NewDisposeScope();
        var d = sampler.Degradation;
        double worst = 0;
        var x = d.Apply(x0, d.T);
        for (int s = d.T; s >= 1; s--)
        {
            var sev = full([x0.shape[0]], (double)s, dtype: float64);
            x = sampler.Step(restorer(x, sev), s, x);
            worst = Math.Max(worst, (x - d.Apply(x0, s - 1)).abs().max().ToDouble());
        }
        return worst;
    }

    [Fact]
    public void Algorithm2_IsExactForAnyRestorer_WhenDIsLinearInS_Algorithm1IsNot()
    {
        using var scope = NewDisposeScope();
        var x0 = Images(3, 1);
        using var drift = new AdditiveDrift(10, Images(1, 2));
        Restorer poor = (xs, s) => 0.3 * xs + 0.1;                       // far from x_0
        double alg2 = WorstDeviation(new ColdAlgorithm2(drift), poor, x0);
        double alg1 = WorstDeviation(new ColdAlgorithm1(drift), poor, x0);
        Assert.True(alg2 < 1e-12, $"Algorithm 2 deviates from D(x_0, s−1) by {alg2}");
        Assert.True(alg1 > 0.1, $"Algorithm 1 should not track D(x_0, s−1) with a poor restorer; deviation {alg1}");
    }

    [Fact]
    public void BothAlgorithms_AreExactWithAPerfectRestorer_OnTheBlur()
    {
        using var scope = NewDisposeScope();
        var x0 = Images(2, 3);
        using var blur = CumulativeBlur.Mnist();
        Restorer oracle = (xs, s) => x0.clone();
        Assert.True(WorstDeviation(new ColdAlgorithm2(blur), oracle, x0) < 1e-12);
        Assert.True(WorstDeviation(new ColdAlgorithm1(blur), oracle, x0) < 1e-12);
    }

    [Fact]
    public void OnTheBlur_ARestorerErrorE_EntersAlgorithm2As_DsMinus1MinusDs_e_AndAlgorithm1As_DsMinus1_e()
    {
        using var scope = NewDisposeScope();
        var x0 = Images(2, 4);
        var e = Images(2, 5) * 0.1;
        using var blur = CumulativeBlur.Mnist();
        foreach (int s in new[] { 1, 5, 20 })
        {
            var xs = blur.Apply(x0, s);
            var x0Hat = x0 + e;
            var alg2 = new ColdAlgorithm2(blur).Step(x0Hat, s, xs) - blur.Apply(x0, s - 1);
            var alg1 = new ColdAlgorithm1(blur).Step(x0Hat, s, xs) - blur.Apply(x0, s - 1);
            var expected2 = blur.Apply(e, s - 1) - blur.Apply(e, s);
            Assert.True((alg2 - expected2).abs().max().ToDouble() < 1e-12, $"s = {s}: Algorithm 2's error is not (D_(s-1) - D_s) e");
            Assert.True((alg1 - blur.Apply(e, s - 1)).abs().max().ToDouble() < 1e-12, $"s = {s}: Algorithm 1's error is not D_(s-1) e");
            Assert.True(alg1.abs().max().ToDouble() > 1e-3, $"s = {s}: Algorithm 1 should not be exact");
        }
    }

    [Fact]
    public void Sample_RunsFromT_AndChecksItsInputs()
    {
        using var scope = NewDisposeScope();
        var x0 = Images(2, 6).to(float32);
        using var blur = CumulativeBlur.Mnist();
        var visited = new List<int>();
        Restorer oracle = (xs, s) => x0.clone();
        var result = new ColdAlgorithm2(blur).Sample(oracle, blur.Apply(x0, blur.T), observer: step => visited.Add(step.Timestep));
        Assert.Equal(Enumerable.Range(1, blur.T).Reverse(), visited);
        Assert.True((result - x0).abs().max().ToDouble() < 1e-4);
        var error = Assert.Throws<ArgumentException>(() => new ColdAlgorithm1(blur).Step(zeros(1, 1, 28, 28), 3, zeros(2, 1, 28, 28)));
        Assert.Contains("[1, 1, 28, 28]", error.Message);
        Assert.Contains("[2, 1, 28, 28]", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ColdAlgorithm1(blur).Step(x0, blur.T + 1, x0));
    }
}
