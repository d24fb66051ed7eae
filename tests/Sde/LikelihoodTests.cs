using Diffusion.Sde;
using Diffusion.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Sde;

/// <summary>
/// The probability-flow likelihood on Gaussian data N(μ, s² I) with the exact score: p_t = N(m(t) μ, v(t) I) and the ODE maps
/// x(ε) to z = m(1) μ + √(v(1)/v(ε)) (x − m(ε) μ), so the solver's answer log p_T(z) + Δ must equal
/// log p_ε(x) − log N(z; m(1) μ, v(1) I) + log p_T(z) (the last two: the prior's mismatch with the true p_T).
/// </summary>
[Collection(SerialCollection.Name)]
public class LikelihoodTests(ITestOutputHelper output)
{
    private static readonly double[] Mu = [1.0, -0.5, 0.3];

    internal static Diffusion.Sde.Sde Make(string name) => name switch
    {
        "vp" => new VpSde(0.1, 20, 1000),
        "subvp" => new SubVpSde(0.1, 20, 1000),
        _ => new VeSde(0.01, 50, 1000),
    };

    /// <summary>The closed-form value the solver should return (see the class summary), per row.</summary>
    private static double[] Expected(GaussianData data, Diffusion.Sde.Sde sde, Tensor x, double eps)
    {
        using var scope = torch.NewDisposeScope();
        var mu = data.MuTensor(ScalarType.Float64);
        var z = mu * data.M(1) + (x - mu * data.M(eps)) * Math.Sqrt(data.V(1) / data.V(eps));
        var atEps = data.LogDensity(x, eps);
        var trueT = data.LogDensity(z, 1);
        var prior = sde.PriorLogProb(z).data<double>().ToArray();
        return atEps.Select((v, i) => v - trueT[i] + prior[i]).ToArray();
    }

    private static Tensor Draw(GaussianData data, long rows, int seed)
    {
        var gen = new Generator((ulong)seed).manual_seed(seed);
        return torch.randn([rows, Mu.Length], dtype: ScalarType.Float64, generator: gen) * data.S + data.MuTensor(ScalarType.Float64);
    }

    [Theory]
    [InlineData("vp")]
    [InlineData("ve")]
    [InlineData("subvp")]
    public void ExactDivergence_MatchesGaussianClosedForm(string name)
    {
        using var scope = torch.NewDisposeScope();
        var sde = Make(name);
        var data = new GaussianData(sde, Mu, 0.3);
        double eps = 1e-5;
        var x = Draw(data, 8, 1);
        using var result = new OdeLikelihood(sde, data.Score, DivergenceEstimator.Exact, eps).Compute(x);
        var expected = Expected(data, sde, x, eps);
        var logp = result.LogLikelihood.data<double>().ToArray();
        double maxErr = logp.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        // Against the data's own density at t = 0: differs by p_ε vs p_0 (≤ 2e-3 nats here) and by the prior's mismatch with the
        // true p_T, log p_T(z) − log N(z; m(1) μ, v(1) I) (about 0.01 nats for VP, 0.03 for VE with σ_max = 50).
        var atZero = data.LogDensity(x, 0);
        double maxErrData = logp.Zip(atZero, (a, b) => Math.Abs(a - b)).Max();
        using var tight = new OdeLikelihood(sde, data.Score, DivergenceEstimator.Exact, eps, 1e-9, 1e-9).Compute(x);
        double tightErr = tight.LogLikelihood.data<double>().ToArray().Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{name}: rtol=atol=1e-5: max |log p − closed form| = {maxErr:E2} nats, NFE {result.Nfe} ({result.Accepted} accepted, {result.Rejected} rejected); " +
                         $"1e-9: {tightErr:E2}, NFE {tight.Nfe}; vs log N(x; μ, s²I): {maxErrData:E2}; mean bits/dim {result.BitsPerDim.mean().item<double>():F4}");
        Assert.InRange(maxErr, 0, 2e-3);
        Assert.InRange(tightErr, 0, 1e-6);
        Assert.InRange(maxErrData, 0, 0.05);
        // bits/dim = −log p / (D ln 2) without a data scaling.
        var bpd = result.BitsPerDim.data<double>().ToArray();
        for (int i = 0; i < bpd.Length; i++)
        {
            Assert.Equal(-logp[i] / (Mu.Length * Math.Log(2)), bpd[i], 12);
        }
        // The latent is the closed-form image of x.
        var mu = data.MuTensor(ScalarType.Float64);
        var z = mu * data.M(1) + (x - mu * data.M(eps)) * Math.Sqrt(data.V(1) / data.V(eps));
        Assert.InRange((tight.Latent - z).abs().max().item<double>(), 0, 1e-6);
        Assert.InRange(result.Nfe, 20, 2000);
    }

    /// <summary>
    /// Hutchinson's estimate is unbiased: 2,048 copies of one point, each with its own probe, in one solve. Isotropic data have
    /// a Jacobian c(t) I, where a Rademacher probe is exact (vᵀ c I v = c D) and a Gaussian one has relative std √(2/D).
    /// </summary>
    [Theory]
    [InlineData("vp")]
    [InlineData("ve")]
    public void Hutchinson_AveragesToClosedForm(string name)
    {
        using var scope = torch.NewDisposeScope();
        var sde = Make(name);
        var data = new GaussianData(sde, Mu, 0.3);
        double eps = 1e-5;
        const int copies = 2048;
        var point = Draw(data, 1, 2);
        var x = point.expand(copies, Mu.Length).contiguous();
        double expected = Expected(data, sde, point, eps)[0];
        var gen = new Generator(3).manual_seed(3);
        using var gaussian = new OdeLikelihood(sde, data.Score, DivergenceEstimator.Gaussian, eps).Compute(x, gen);
        double mean = gaussian.LogLikelihood.mean().item<double>();
        double se = gaussian.LogLikelihood.std().item<double>() / Math.Sqrt(copies);
        using var rademacher = new OdeLikelihood(sde, data.Score, DivergenceEstimator.Rademacher, eps).Compute(x, gen);
        double radErr = (rademacher.LogLikelihood - expected).abs().max().item<double>();
        output.WriteLine($"{name}: closed form {expected:F4}; Gaussian probes mean {mean:F4} ± {se:F4} (SE), per-probe std {se * Math.Sqrt(copies):F3}, NFE {gaussian.Nfe}; " +
                         $"Rademacher max error {radErr:E2}, NFE {rademacher.Nfe}");
        Assert.InRange(Math.Abs(mean - expected), 0, 4 * se + 2e-3);
        Assert.True(se > 1e-3, "Gaussian probes should scatter");
        Assert.InRange(radErr, 0, 2e-3);
    }

    /// <summary>
    /// N(μ, Σ) with Σ = R diag(s²) Rᵀ, R a rotation: the Jacobian is not diagonal, so Rademacher probes scatter too; the average
    /// of 512 agrees with the exact divergence's answer within 4 standard errors.
    /// </summary>
    [Fact]
    public void Rademacher_AveragesToExactOnCorrelatedData()
    {
        using var scope = torch.NewDisposeScope();
        var sde = new VpSde(0.1, 20, 1000);
        var rotation = torch.linalg.qr(torch.randn([3, 3], dtype: ScalarType.Float64, generator: new Generator(4).manual_seed(4))).Q;
        var variances = torch.tensor(new[] { 0.04, 0.25, 1.0 }, dtype: ScalarType.Float64);
        var mu = torch.tensor(Mu, dtype: ScalarType.Float64);
        Tensor Score(Tensor x, Tensor t)
        {
            using var inner = torch.NewDisposeScope();
            var m = Diffusion.Sde.Sde.Rows(sde.MeanCoefficient(t), x);
            var sigma = Diffusion.Sde.Sde.Rows(sde.MarginalStd(t), x);
            var centred = (x - m * mu).matmul(rotation);
            var scaled = centred / (m.square() * variances + sigma.square());
            return (-scaled.matmul(rotation.t())).MoveToOuterDisposeScope();
        }
        const int copies = 512;
        var point = torch.tensor(new[] { 0.7, -0.2, 1.1 }, [1, 3], dtype: ScalarType.Float64);
        var x = point.expand(copies, 3).contiguous();
        using var exact = new OdeLikelihood(sde, Score, DivergenceEstimator.Exact).Compute(point);
        using var rademacher = new OdeLikelihood(sde, Score, DivergenceEstimator.Rademacher).Compute(x, new Generator(5).manual_seed(5));
        double target = exact.LogLikelihood.item<double>();
        double mean = rademacher.LogLikelihood.mean().item<double>();
        double se = rademacher.LogLikelihood.std().item<double>() / Math.Sqrt(copies);
        output.WriteLine($"exact {target:F4} (NFE {exact.Nfe}); Rademacher mean {mean:F4} ± {se:F4}, NFE {rademacher.Nfe}");
        Assert.True(se > 1e-3, "Rademacher probes should scatter on a non-diagonal Jacobian");
        Assert.InRange(Math.Abs(mean - target), 0, 4 * se + 2e-3);
        // The exact answer is log N(x; m(ε) μ, m(ε)² Σ + σ(ε)² I) up to the prior mismatch (≤ 1e-3 nats here).
        double eps = 1e-5;
        var tt = torch.tensor(new[] { eps }, dtype: ScalarType.Float64);
        double m = sde.MeanCoefficient(tt).item<double>(), s2 = Math.Pow(sde.MarginalStd(tt).item<double>(), 2);
        var cov = rotation.matmul(torch.diag(variances * (m * m) + s2)).matmul(rotation.t());
        var r = point[0] - mu * m;
        double quad = r.matmul(torch.linalg.solve(cov, r)).item<double>();
        double closed = -0.5 * (3 * Math.Log(2 * Math.PI) + torch.linalg.slogdet(cov).Item2.item<double>() + quad);
        Assert.InRange(Math.Abs(target - closed), 0, 1e-2);
    }

    [Fact]
    public void Divergence_OfLinearFieldIsTraceAndQuadraticForm()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new[] { 1.0, 2.0, -0.5, 0.3, -1.5, 0.7, 4.0, 0.1, 2.5 }, [3, 3], dtype: ScalarType.Float64);
        Tensor Field(Tensor x) => x.matmul(a.t()) + x.square() * 0; // F(x) = A x per row
        var x = torch.randn([4, 3], dtype: ScalarType.Float64, generator: new Generator(6).manual_seed(6));
        var (value, div) = Divergence.Exact(Field, x);
        Assert.True(value.allclose(x.matmul(a.t())));
        Assert.True(div.allclose(torch.full([4], 2.0, dtype: ScalarType.Float64), 0, 1e-12));
        var v = torch.tensor(new[] { 1.0, -1, 1, -1, -1, 1, 1, 1, 1, 0.5, 2, -3 }, [4, 3], dtype: ScalarType.Float64);
        var (_, est) = Divergence.Hutchinson(Field, x, v);
        var expected = (v.matmul(a.t()) * v).sum(1);
        Assert.True(est.allclose(expected, 0, 1e-12));
        var ex = Assert.Throws<ArgumentException>(() => Divergence.Hutchinson(Field, x, torch.ones(4, 2, dtype: ScalarType.Float64)));
        Assert.Contains("[4, 2]", ex.Message);
        Assert.Contains("[4, 3]", ex.Message);
    }

    [Fact]
    public void DataScaling_OffsetsAndDequantisation()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(8.0, DataScaling.ZeroOne.BitsPerDimOffset, 14);
        Assert.Equal(7.0, DataScaling.MinusOneOne.BitsPerDimOffset, 14);
        var pixels = torch.tensor(new long[] { 0, 17, 128, 255, 3, 200 }, [2, 3]);
        var u = DataScaling.Dequantize(pixels, new Generator(7).manual_seed(7), ScalarType.Float64);
        var noise = torch.rand([2, 3], dtype: ScalarType.Float64, generator: new Generator(7).manual_seed(7));
        Assert.True(u.allclose((pixels.to(ScalarType.Float64) + noise) / 256, 0, 1e-15));
        Assert.True((u * 256).floor().to(ScalarType.Int64).eq(pixels).all().item<bool>());
        Assert.True(DataScaling.MinusOneOne.ToData(DataScaling.MinusOneOne.ToModel(u)).allclose(u, 0, 1e-15));
        var ex = Assert.Throws<ArgumentException>(() => DataScaling.Dequantize(torch.tensor(new[] { 0.0, 256.0 })));
        Assert.Contains("256", ex.Message);
    }

    /// <summary>
    /// The discrete bits/dim does not depend on the scaler: the same 8-bit pixels, dequantised with the same U, scored by a
    /// Gaussian model in [0, 1] (N(μ_u, s_u² I), offset 8) and by its image in [−1, 1] (N(2μ_u − 1, 4 s_u² I), offset 7)
    /// give the same bits/dim once each is corrected for its prior's mismatch with its true p_T (which differs between the two
    /// ranges: 0.002 to 0.006 bits/dim apart without it).
    /// </summary>
    [Fact]
    public void BitsPerDim_IsTheSameForBothScalers()
    {
        using var scope = torch.NewDisposeScope();
        double[] muU = [0.4, 0.6, 0.5];
        double sU = 0.1;
        var pixels = (torch.randn([6, 3], dtype: ScalarType.Float64, generator: new Generator(8).manual_seed(8)) * sU
                      + torch.tensor(muU, dtype: ScalarType.Float64)).mul(256).floor().clamp(0, 255).to(ScalarType.Int64);
        var results = new List<double[]>();
        foreach (var scaling in new[] { DataScaling.ZeroOne, DataScaling.MinusOneOne })
        {
            var sde = new VpSde(0.1, 20, 1000);
            var data = new GaussianData(sde, muU.Select(m => scaling.Scale * m + scaling.Shift).ToArray(), scaling.Scale * sU);
            using var r = new OdeLikelihood(sde, data.Score, DivergenceEstimator.Exact).ComputeDequantized(pixels, scaling, new Generator(9).manual_seed(9), ScalarType.Float64);
            var bpd = r.BitsPerDim.data<double>().ToArray();
            var logp = r.LogLikelihood.data<double>().ToArray();
            var trueT = data.LogDensity(r.Latent, 1);
            var prior = r.PriorLogProb.data<double>().ToArray();
            var corrected = new double[bpd.Length];
            for (int i = 0; i < bpd.Length; i++)
            {
                Assert.Equal(-logp[i] / (3 * Math.Log(2)) + scaling.BitsPerDimOffset, bpd[i], 12);
                corrected[i] = bpd[i] + (prior[i] - trueT[i]) / (3 * Math.Log(2));
            }
            results.Add(corrected);
        }
        output.WriteLine($"bits/dim [0,1]: {string.Join(", ", results[0].Select(v => v.ToString("F4")))}; [−1,1]: {string.Join(", ", results[1].Select(v => v.ToString("F4")))}");
        for (int i = 0; i < results[0].Length; i++)
        {
            Assert.InRange(Math.Abs(results[0][i] - results[1][i]), 0, 2e-4);
        }
    }

    [Fact]
    public void Compute_HoldsNoTensorsAfterDispose()
    {
        var sde = new VpSde(0.1, 20, 1000);
        var data = new GaussianData(sde, Mu, 0.3);
        using var x = torch.ones(2, 3, dtype: ScalarType.Float64);
        long before = LiveTensors.Count();
        using (var result = new OdeLikelihood(sde, data.Score).Compute(x, new Generator(1).manual_seed(1)))
        {
            Assert.Equal(before + 5, LiveTensors.Count());
        }
        Assert.Equal(before, LiveTensors.Count());
    }

    [Fact]
    public void Compute_RejectsBadInput()
    {
        using var scope = torch.NewDisposeScope();
        var sde = new VpSde();
        var data = new GaussianData(sde, Mu, 0.3);
        var likelihood = new OdeLikelihood(sde, data.Score);
        Assert.Contains("[3]", Assert.Throws<ArgumentException>(() => likelihood.Compute(torch.ones(3))).Message);
        Assert.Contains("Int64", Assert.Throws<ArgumentException>(() => likelihood.Compute(torch.ones(2, 3, dtype: ScalarType.Int64))).Message);
        // A score cut from autograd is caught where the drift has no other path to x (VE: f = 0); for VP the −½β x term hides it.
        var ve = new VeSde(0.01, 50);
        var veData = new GaussianData(ve, Mu, 0.3);
        var detached = new OdeLikelihood(ve, (x, t) => veData.Score(x, t).detach());
        Assert.Contains("autograd", Assert.Throws<InvalidOperationException>(() => detached.Compute(torch.ones(2, 3, dtype: ScalarType.Float64))).Message);
    }
}
