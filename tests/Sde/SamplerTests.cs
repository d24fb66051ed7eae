using Diffusion.Ddpm;
using Diffusion.Sde;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Sde;

[Collection(SerialCollection.Name)]
public class SamplerTests
{
    [Fact]
    public void DormandPrince_MatchesClosedFormSolutionBothWays()
    {
        // y' = cos(t) y has y(t) = y(t0) exp(sin t − sin t0).
        using var scope = torch.NewDisposeScope();
        var y0 = torch.tensor(new[] { 1.0, -2.0, 0.5, 3.0, 0.1, -0.7 }, [2, 3], dtype: ScalarType.Float64);
        var forward = DormandPrince.Solve((t, y) => y * Math.Cos(t), y0, 0, 3);
        var exact = y0 * Math.Exp(Math.Sin(3));
        double relErr = ((forward.Y - exact).abs() / exact.abs()).max().item<double>();
        Assert.InRange(relErr, 0, 1e-4);
        // 2 evaluations to choose h_0, then 6 per attempted step (first same as last).
        Assert.Equal(2 + 6 * (forward.Accepted + forward.Rejected), forward.Nfe);
        Assert.InRange(forward.Accepted, 5, 200);
        var back = DormandPrince.Solve((t, y) => y * Math.Cos(t), forward.Y, 3, 0);
        Assert.InRange(((back.Y - y0).abs() / y0.abs()).max().item<double>(), 0, 2e-4);
        // A tighter tolerance takes more steps and is more accurate.
        var tight = DormandPrince.Solve((t, y) => y * Math.Cos(t), y0, 0, 3, 1e-9, 1e-9);
        Assert.True(tight.Nfe > forward.Nfe);
        Assert.InRange(((tight.Y - exact).abs() / exact.abs()).max().item<double>(), 0, 1e-8);
    }

    [Theory]
    [InlineData("vp")]
    [InlineData("subvp")]
    [InlineData("ve")]
    public void ProbabilityFlowOde_MapsGaussianDataExactly(string name)
    {
        using var scope = torch.NewDisposeScope();
        Diffusion.Sde.Sde sde = name switch
        {
            "vp" => new VpSde(),
            "subvp" => new SubVpSde(),
            _ => new VeSde(0.01, 5),
        };
        var data = new GaussianData(sde, [1.0, -0.5], 0.3);
        double eps = 1e-3;
        // Points of p_T (not the prior): the ODE moves each one along the closed-form affine map.
        var xT = torch.randn([64, 2], dtype: ScalarType.Float64, generator: new Generator(5).manual_seed(5)) * Math.Sqrt(data.V(1))
                 + data.MuTensor(ScalarType.Float64) * data.M(1);
        var (result, solution) = new ProbabilityFlowSampler(sde, data.Score, eps).Sample(xT);
        var expected = data.MuTensor(ScalarType.Float64) * data.M(eps)
                       + (xT - data.MuTensor(ScalarType.Float64) * data.M(1)) * Math.Sqrt(data.V(eps) / data.V(1));
        double err = (result.Samples - expected).abs().max().item<double>();
        Assert.InRange(err, 0, 1e-3);
        Assert.Equal(solution.Nfe, result.Nfe);
        Assert.InRange(result.Nfe, 20, 2000);
    }

    /// <summary>With the exact score of N(μ, s² I), each sampler's 4,000 samples have the data's mean and std.</summary>
    [Theory]
    [InlineData("rd+langevin", "vp")]
    [InlineData("em", "vp")]
    [InlineData("ancestral", "vp")]
    [InlineData("rd+langevin", "ve")]
    [InlineData("ancestral+ald", "ve")]
    [InlineData("em", "subvp")]
    [InlineData("langevin", "ve")]
    [InlineData("ode", "vp")]
    public void Samplers_DrawGaussianDataWithExactScore(string sampler, string sdeName)
    {
        using var scope = torch.NewDisposeScope();
        Diffusion.Sde.Sde sde = sdeName switch
        {
            "vp" => new VpSde(0.1, 20, 500),
            "subvp" => new SubVpSde(0.1, 20, 500),
            _ => new VeSde(0.01, 5, 500),
        };
        var data = new GaussianData(sde, [1.0, -0.5], 0.3);
        var gen = new Generator(7).manual_seed(7);
        NoiseSource noise = NoiseSources.From(gen);
        var xT = sde.PriorSampling([4000, 2], gen, ScalarType.Float64);
        ScoreModel score = data.Score;
        Tensor samples;
        if (sampler == "ode")
        {
            samples = new ProbabilityFlowSampler(sde, score).Sample(xT).Result.Samples;
        }
        else
        {
            Predictor? p = sampler.Split('+')[0] switch
            {
                "rd" => new ReverseDiffusionPredictor(sde, score, noise),
                "em" => new EulerMaruyamaPredictor(sde, score, noise),
                "ancestral" => new AncestralPredictor(sde, score, noise),
                _ => null,
            };
            Corrector? c = sampler.Contains("ald") ? new AnnealedLangevinCorrector(sde, score, noise, 0.16)
                : sampler.Contains("langevin") ? new LangevinCorrector(sde, score, noise, 0.16) : null;
            var result = new PcSampler(sde, p, c).Sample(xT);
            Assert.Equal(500 * ((p is null ? 0 : 1) + (c is null ? 0 : 1)), result.Nfe);
            samples = result.Samples;
        }
        double eps = 1e-3;
        var mean = samples.mean([0]);
        var std = samples.std(0);
        double targetStd = Math.Sqrt(data.V(eps));
        for (int j = 0; j < 2; j++)
        {
            // 5 Monte Carlo standard errors (s/√4000 ≈ 0.005 for the mean) plus 0.02 for the time discretisation.
            Assert.InRange(mean[j].item<double>(), data.Mu[j] * data.M(eps) - 0.045, data.Mu[j] * data.M(eps) + 0.045);
            Assert.InRange(std[j].item<double>() / targetStd, 0.9, 1.1);
        }
    }

    [Fact]
    public void PcSampler_HoldsAFlatLiveTensorCount()
    {
        var sde = new VpSde(0.1, 20, 200);
        var data = new GaussianData(sde, [0.0, 0.0], 1.0);
        using var gen = new Generator(1).manual_seed(1);
        NoiseSource noise = NoiseSources.From(gen);
        using var xT = sde.PriorSampling([8, 2], gen);
        var sampler = new PcSampler(sde, new ReverseDiffusionPredictor(sde, data.Score, noise), new LangevinCorrector(sde, data.Score, noise));
        long before = LiveTensors.Count();
        var counts = new List<long>();
        using (var result = sampler.Sample(xT, s => { if (s.Index % 50 == 10) { counts.Add(LiveTensors.Count()); } }).Samples)
        {
            Assert.All(counts, c => Assert.Equal(counts[0], c));
            Assert.Equal(before + 1, LiveTensors.Count());
        }
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void Ancestral_RefusesSubVp()
    {
        var ex = Assert.Throws<ArgumentException>(() => new AncestralPredictor(new SubVpSde(), (x, t) => x, NoiseSources.From(null)));
        Assert.Contains("SubVpSde", ex.Message);
    }
}
