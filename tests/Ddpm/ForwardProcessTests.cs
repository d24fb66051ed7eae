using Diffusion.Ddpm;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Ddpm;

public class ForwardProcessTests
{
    private static readonly ForwardProcess Process = new(NoiseSchedule.Linear(1000));

    [Fact]
    public void QSample_ClosedFormMatchesIteratedChainMoments()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(1);
        const int n = 100_000;
        var x0 = torch.full([n], 0.7, dtype: float64);
        foreach (int t in new[] { 0, 49, 299 })
        {
            var iterated = Process.QSampleIterated(x0, t, g).data<double>().ToArray();
            var steps = NoiseSchedule.Steps(t, n);
            var closed = Process.QSample(x0, steps, torch.randn([n], dtype: float64, generator: g)).data<double>().ToArray();
            var (coef, variance) = Process.QMarginal(t);
            // Standard errors at n = 1e5: mean ~ sqrt(var/n), variance ~ var·sqrt(2/n); 5 standard errors allowed.
            double seMean = 5 * Math.Sqrt(variance / n), seVar = 5 * variance * Math.Sqrt(2.0 / n);
            foreach (var samples in new[] { iterated, closed })
            {
                Assert.InRange(samples.Average() - coef * 0.7, -seMean, seMean);
                Assert.InRange(Variance(samples) - variance, -seVar, seVar);
            }
        }
    }

    [Fact]
    public void Posterior_MatchesMonteCarloRegression()
    {
        // Draw (x_{t-1}, x_t) from the chain given x_0; E[x_{t-1} | x_t] is linear in x_t with slope coef2 and
        // intercept coef1·x_0, and the residual variance is β̃_t.
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(2);
        const int n = 400_000;
        const double x0Value = -0.4;
        int t = 120;
        var s = Process.Schedule;
        var x0 = torch.full([n], x0Value, dtype: float64);
        var prev = Process.QSample(x0, NoiseSchedule.Steps(t - 1, n), torch.randn([n], dtype: float64, generator: g));
        var xt = Process.QStep(prev, t, torch.randn([n], dtype: float64, generator: g));
        double[] a = prev.data<double>().ToArray(), b = xt.data<double>().ToArray();
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b, (u, v) => (u - ma) * (v - mb)).Sum() / (n - 1);
        double slope = cov / Variance(b);
        double intercept = ma - slope * mb;
        double residual = a.Zip(b, (u, v) => u - intercept - slope * v).Select(r => r * r).Sum() / (n - 2);
        Assert.Equal(s.PosteriorMeanCoef2[t], slope, 2);
        Assert.InRange(intercept - s.PosteriorMeanCoef1[t] * x0Value, -0.005, 0.005);
        Assert.InRange(residual / s.PosteriorVariance[t], 0.99, 1.01);
    }

    [Fact]
    public void PosteriorMean_X0FormEqualsEpsForm()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(3);
        var x0 = torch.randn([8, 1, 4, 4], dtype: float64, generator: g);
        var eps = torch.randn([8, 1, 4, 4], dtype: float64, generator: g);
        var t = torch.tensor(new long[] { 0, 1, 10, 100, 500, 900, 998, 999 });
        var xt = Process.QSample(x0, t, eps);
        var fromX0 = Process.PosteriorMean(x0, xt, t).data<double>().ToArray();
        var fromEps = Process.PosteriorMeanFromEps(xt, t, eps).data<double>().ToArray();
        for (int i = 0; i < fromX0.Length; i++)
        {
            Assert.Equal(fromX0[i], fromEps[i], 9);
        }
        var x0Back = Process.PredictX0FromEps(xt, t, eps).data<double>().ToArray();
        var x0Orig = x0.data<double>().ToArray();
        for (int i = 0; i < x0Back.Length; i++)
        {
            Assert.Equal(x0Orig[i], x0Back[i], 6);
        }
        var epsBack = Process.PredictEpsFromX0(xt, t, x0);
        Assert.True(epsBack.allclose(eps, rtol: 1e-9, atol: 1e-9));
    }

    [Fact]
    public void QSample_RejectsNoiseOfAnotherShape()
    {
        using var scope = torch.NewDisposeScope();
        var x0 = torch.zeros([2, 3]);
        var e = Assert.Throws<ArgumentException>(() => Process.QSample(x0, NoiseSchedule.Steps(0, 2), torch.zeros([2, 4])));
        Assert.Contains("[2, 4]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }

    [Fact]
    public void QSample_RejectsTimestepsThatDoNotMatchTheBatch()
    {
        using var scope = torch.NewDisposeScope();
        var x0 = torch.zeros([2, 3]);
        var e = Assert.Throws<ArgumentException>(() => Process.QSample(x0, NoiseSchedule.Steps(0, 3), torch.zeros([2, 3])));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => Process.QSample(x0, NoiseSchedule.Steps(1000, 2), torch.zeros([2, 3])));
        Assert.Contains("1000", outside.Message);
        Assert.Throws<ArgumentException>(() => Process.QSample(x0, torch.zeros([2, 1], dtype: int64), torch.zeros([2, 3])));
    }

    private static double Variance(double[] v)
    {
        double m = v.Average();
        return v.Select(x => (x - m) * (x - m)).Sum() / (v.Length - 1);
    }
}
