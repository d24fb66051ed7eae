using Diffusion.Ddpm;
using Diffusion.Tensors;

namespace Diffusion.Tests.Ddpm;

public class ForwardProcessTests
{
    private static readonly ForwardProcess Process = new(NoiseSchedule.Linear(1000));

    [Fact]
    public void QSample_ClosedFormMatchesIteratedChainMoments()
    {
        using var scope = new TensorScope();
        Torch.ManualSeed(1);
        const int n = 100_000;
        var x0 = Torch.FromArray(Enumerable.Repeat(0.7, n).ToArray(), n);
        foreach (int t in new[] { 0, 49, 299 })
        {
            var iterated = Process.QSampleIterated(x0, t).ToArray<double>();
            var steps = NoiseSchedule.Steps(t, n);
            var closed = Process.QSample(x0, steps, Torch.Randn([n], DType.Float64)).ToArray<double>();
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
        using var scope = new TensorScope();
        Torch.ManualSeed(2);
        const int n = 400_000;
        const double x0Value = -0.4;
        int t = 120;
        var s = Process.Schedule;
        var x0 = Torch.FromArray(Enumerable.Repeat(x0Value, n).ToArray(), n);
        var prev = Process.QSample(x0, NoiseSchedule.Steps(t - 1, n), Torch.Randn([n], DType.Float64));
        var xt = Process.QStep(prev, t, Torch.Randn([n], DType.Float64));
        double[] a = prev.ToArray<double>(), b = xt.ToArray<double>();
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
        using var scope = new TensorScope();
        Torch.ManualSeed(3);
        var x0 = Torch.Randn([8, 1, 4, 4], DType.Float64);
        var eps = Torch.Randn([8, 1, 4, 4], DType.Float64);
        var t = Torch.FromArray(new long[] { 0, 1, 10, 100, 500, 900, 998, 999 });
        var xt = Process.QSample(x0, t, eps);
        var fromX0 = Process.PosteriorMean(x0, xt, t).ToArray<double>();
        var fromEps = Process.PosteriorMeanFromEps(xt, t, eps).ToArray<double>();
        for (int i = 0; i < fromX0.Length; i++)
        {
            Assert.Equal(fromX0[i], fromEps[i], 9);
        }
        var x0Back = Process.PredictX0FromEps(xt, t, eps).ToArray<double>();
        var x0Orig = x0.ToArray<double>();
        for (int i = 0; i < x0Back.Length; i++)
        {
            Assert.Equal(x0Orig[i], x0Back[i], 6);
        }
    }

    [Fact]
    public void QSample_RejectsNoiseOfAnotherShape()
    {
        using var scope = new TensorScope();
        var x0 = Torch.Zeros([2, 3]);
        var e = Assert.Throws<ArgumentException>(() => Process.QSample(x0, NoiseSchedule.Steps(0, 2), Torch.Zeros([2, 4])));
        Assert.Contains("[2, 4]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }

    private static double Variance(double[] v)
    {
        double m = v.Average();
        return v.Select(x => (x - m) * (x - m)).Sum() / (v.Length - 1);
    }
}
