using Diffusion.Ddpm;
using Diffusion.Sde;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Sde;

public class SdeMarginalTests
{
    public static TheoryData<string> Sdes => new() { "vp", "subvp", "ve" };

    internal static Diffusion.Sde.Sde Make(string name) => name switch
    {
        "vp" => new VpSde(0.1, 20, 1000),
        "subvp" => new SubVpSde(0.1, 20, 1000),
        _ => new VeSde(0.01, 50, 1000),
    };

    /// <summary>
    /// 5,000 Euler-Maruyama forward paths (1,000 steps, float64) from x(0) = 1.5: the sample mean and std at t = 0.3 and 1
    /// agree with m(t) x(0) and σ(t) within 5 Monte Carlo standard errors (plus 1% for the time discretisation).
    /// </summary>
    [Theory]
    [MemberData(nameof(Sdes))]
    public void MarginalProb_MatchesSimulatedForwardPaths(string name)
    {
        using var scope = torch.NewDisposeScope();
        var sde = Make(name);
        var gen = new Generator(12).manual_seed(12);
        const int paths = 5_000, steps = 1000;
        var x = torch.full([paths, 1], 1.5, dtype: ScalarType.Float64);
        double dt = 1.0 / steps;
        var checks = new Dictionary<int, double> { [300] = 0.3, [1000] = 1.0 };
        for (int i = 0; i < steps; i++)
        {
            using var inner = torch.NewDisposeScope();
            var t = torch.full([paths], i * dt, dtype: ScalarType.Float64);
            var z = torch.randn([paths, 1], dtype: ScalarType.Float64, generator: gen);
            var next = x + sde.Drift(x, t) * dt + Diffusion.Sde.Sde.Rows(sde.Diffusion(t), x) * z * Math.Sqrt(dt);
            x = next.MoveToOuterDisposeScope();
            if (checks.TryGetValue(i + 1, out double tc))
            {
                var tt = torch.full([1], tc, dtype: ScalarType.Float64);
                var (mean, std) = sde.MarginalProb(torch.full([1, 1], 1.5, dtype: ScalarType.Float64), tt);
                double m = mean.item<double>(), s = std.item<double>();
                double mcMean = x.mean().item<double>(), mcStd = x.std().item<double>();
                double seMean = s / Math.Sqrt(paths), seStd = s / Math.Sqrt(2.0 * paths);
                Assert.InRange(mcMean, m - 5 * seMean - 0.01 * Math.Abs(m) - 1e-3, m + 5 * seMean + 0.01 * Math.Abs(m) + 1e-3);
                Assert.InRange(mcStd, s - 5 * seStd - 0.01 * s, s + 5 * seStd + 0.01 * s);
            }
        }
    }

    [Fact]
    public void VpDiscretisation_IsDdpmLinearSchedule()
    {
        var vp = new VpSde(0.1, 20, 1000);
        var ddpm = NoiseSchedule.Linear(1000);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(ddpm.Betas[i], vp.DiscreteBetas[i], 15);
            Assert.Equal(ddpm.AlphaBars[i], vp.AlphaBars[i], 13);
        }
        // The DDPM forward step x_i = √α_i x_{i−1} + √β_i z is x + f_i + G_i z.
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([3, 2], dtype: ScalarType.Float64, generator: new Generator(1).manual_seed(1));
        var t = torch.tensor(new[] { 0.0, 500.0 / 999, 1.0 }, dtype: ScalarType.Float64);
        var (f, g) = vp.Discretize(x, t);
        int[] idx = [0, 500, 999];
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(Math.Sqrt(ddpm.Betas[idx[r]]), g[r].item<double>(), 14);
            Assert.Equal((ddpm.SqrtAlphas[idx[r]] - 1) * x[r, 0].item<double>(), f[r, 0].item<double>(), 14);
        }
    }

    [Fact]
    public void VpContinuousMarginal_ApproximatesDdpmAlphaBar()
    {
        // m(t)² = exp(−∫β) ≈ ᾱ_i at t = (i + 1)/N: the continuous and discrete chains agree to O(1/N).
        var vp = new VpSde(0.1, 20, 1000);
        var ddpm = NoiseSchedule.Linear(1000);
        using var scope = torch.NewDisposeScope();
        foreach (int i in new[] { 99, 499, 999 })
        {
            double m = vp.MeanCoefficient(torch.tensor(new[] { (i + 1) / 1000.0 }, dtype: ScalarType.Float64)).item<double>();
            Assert.Equal(ddpm.AlphaBars[i], m * m, 2);
            Assert.InRange(Math.Abs(Math.Log(m * m) - Math.Log(ddpm.AlphaBars[i])), 0, 0.02 * -Math.Log(ddpm.AlphaBars[i]) + 1e-3);
        }
    }

    [Fact]
    public void VeDiscretisation_AccumulatesSmldVariances()
    {
        var ve = new VeSde(0.01, 50, 100);
        using var scope = torch.NewDisposeScope();
        Assert.Equal(0.01, ve.DiscreteSigmas[0], 14);
        Assert.Equal(50, ve.DiscreteSigmas[99], 11);
        double total = 0;
        for (int i = 0; i < 100; i++)
        {
            var t = torch.tensor(new[] { i / 99.0 }, dtype: ScalarType.Float64);
            var (f, g) = ve.Discretize(torch.ones(1, 3, dtype: ScalarType.Float64), t);
            Assert.Equal(0, f.abs().max().item<double>());
            total += Math.Pow(g.item<double>(), 2);
            Assert.Equal(ve.DiscreteSigmas[i] * ve.DiscreteSigmas[i], total, 9);
        }
    }

    [Theory]
    [MemberData(nameof(Sdes))]
    public void PriorLogProb_MatchesProductOfNormals(string name)
    {
        var sde = Make(name);
        using var scope = torch.NewDisposeScope();
        var z = sde.PriorSampling([4, 1, 3, 5], new Generator(3).manual_seed(3), ScalarType.Float64);
        var logp = sde.PriorLogProb(z);
        Assert.Equal([4L], logp.shape);
        double s = sde.PriorStd;
        for (int b = 0; b < 4; b++)
        {
            double expected = z[b].flatten().data<double>().ToArray()
                .Sum(v => -0.5 * Math.Log(2 * Math.PI) - Math.Log(s) - v * v / (2 * s * s));
            Assert.Equal(expected, logp[b].item<double>(), 10);
        }
        // The prior's sample std is σ_T.
        var many = sde.PriorSampling([20_000], new Generator(4).manual_seed(4), ScalarType.Float64);
        Assert.InRange(many.std().item<double>() / s, 0.98, 1.02);
    }

    [Fact]
    public void SubVp_VarianceStaysBelowVp()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.linspace(0.01, 1, 50, dtype: ScalarType.Float64);
        var vp = new VpSde().MarginalStd(t);
        var sub = new SubVpSde().MarginalStd(t);
        Assert.True((sub < vp).all().item<bool>());
        // σ_subVP = σ_VP².
        Assert.True(sub.allclose(vp.square(), 1e-12, 1e-12));
    }

    [Fact]
    public void Times_MustMatchBatch()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => new VpSde().Drift(torch.zeros(3, 2), torch.zeros(2)));
        Assert.Contains("[3, 2]", ex.Message);
    }
}
