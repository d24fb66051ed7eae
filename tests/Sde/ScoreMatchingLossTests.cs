using Diffusion.Sde;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Sde;

public class ScoreMatchingLossTests(ITestOutputHelper output)
{
    /// <summary>A score with parameters: s_θ(x, t) = −x w − b (1 + t), so the loss has a gradient.</summary>
    private static (ScoreModel Score, Tensor W, Tensor B) LinearScore(int d, int seed)
    {
        var gen = new Generator((ulong)seed).manual_seed(seed);
        var w = (torch.randn([d, d], dtype: ScalarType.Float64, generator: gen) * 0.3).requires_grad_(true);
        var b = torch.randn([d], dtype: ScalarType.Float64, generator: gen).requires_grad_(true);
        return ((x, t) => -x.matmul(w) - b * (Diffusion.Sde.Sde.Rows(t, x) + 1), w, b);
    }

    /// <summary>
    /// The MA4530 poster's loss mean_b Σ_d (s σ + z)² is the σ²-weighted, summed loss, bit for bit on the same draws (t first, then z,
    /// from one generator), and equals λ(t) ‖s + z/σ‖² with λ = σ² to rounding.
    /// </summary>
    [Theory]
    [InlineData("vp")]
    [InlineData("ve")]
    [InlineData("subvp")]
    public void SeedForm_EqualsSigmaSquaredWeightedLoss(string name)
    {
        using var scope = torch.NewDisposeScope();
        var sde = LikelihoodTests.Make(name);
        var (score, w, _) = LinearScore(4, 1);
        var x0 = torch.randn([16, 4], dtype: ScalarType.Float64, generator: new Generator(2).manual_seed(2));
        double eps = 1e-5;
        var loss = new ScoreMatchingLoss(sde).Compute(score, x0, new Generator(3).manual_seed(3));

        // The poster's form, by hand, on the same draws.
        var gen = new Generator(3).manual_seed(3);
        var t = torch.rand([16], dtype: ScalarType.Float64, generator: gen) * (1 - eps) + eps;
        var z = torch.randn([16, 4], dtype: ScalarType.Float64, generator: gen);
        var std = sde.MarginalStd(t).unsqueeze(1);
        var xt = x0 * sde.MeanCoefficient(t).unsqueeze(1) + std * z;
        var s = score(xt, t);
        var seed = (s * std + z).square().sum(1).mean();
        Assert.Equal(seed.item<double>(), loss.item<double>());
        // λ(t) ‖s + z/σ‖² with λ = σ².
        var weighted = ((s + z / std).square().sum(1) * std.squeeze(1).square()).mean();
        Assert.Equal(weighted.item<double>(), loss.item<double>(), 1e-12 * Math.Abs(loss.item<double>()));
        // It trains: the gradient reaches the parameters.
        loss.backward();
        Assert.True(w.grad is not null && w.grad.abs().sum().item<double>() > 0);
        output.WriteLine($"{name}: loss {loss.item<double>():F6}, seed form {seed.item<double>():F6}");
    }

    [Fact]
    public void LikelihoodWeighting_AndReductions_MatchScoreSdePytorch()
    {
        using var scope = torch.NewDisposeScope();
        var sde = new VpSde();
        var (score, _, _) = LinearScore(3, 4);
        var x0 = torch.randn([8, 3], dtype: ScalarType.Float64, generator: new Generator(5).manual_seed(5));
        var t = torch.linspace(0.01, 1, 8, dtype: ScalarType.Float64);
        var z = torch.randn([8, 3], dtype: ScalarType.Float64, generator: new Generator(6).manual_seed(6));
        var std = sde.MarginalStd(t).unsqueeze(1);
        var s = score(x0 * sde.MeanCoefficient(t).unsqueeze(1) + std * z, t);
        var g2 = sde.Diffusion(t).square();
        var sq = (s + z / std).square();
        // likelihood_weighting=True: reduce_op(square(score + z/std)) * g², reduce_op = mean or 0.5·sum.
        var expected = new Dictionary<LossReduction, double>
        {
            [LossReduction.Sum] = (sq.sum(1) * g2).mean().item<double>(),
            [LossReduction.HalfSum] = (sq.sum(1) * 0.5 * g2).mean().item<double>(),
            [LossReduction.Mean] = (sq.mean([1]) * g2).mean().item<double>(),
        };
        foreach (var (reduction, value) in expected)
        {
            var loss = new ScoreMatchingLoss(sde, LossWeighting.Likelihood, reduction).Compute(score, x0, t, z).item<double>();
            Assert.Equal(value, loss, 1e-12 * Math.Abs(value));
        }
        // λ(t) = g(t)² = β(t) for VP.
        var lambda = new ScoreMatchingLoss(sde, LossWeighting.Likelihood).Lambda(t);
        Assert.True(lambda.allclose(sde.Beta(t), 0, 1e-12));
        // σ² weighting with the mean reduction: mean_d (s σ + z)².
        var meanLoss = new ScoreMatchingLoss(sde, reduction: LossReduction.Mean).Compute(score, x0, t, z).item<double>();
        Assert.Equal((s * std + z).square().mean().item<double>(), meanLoss, 1e-12);
    }

    /// <summary>
    /// With the exact score of N(μ, s² I) at a fixed t, E[σ² ‖s + z/σ‖²] = D m² s² / v (v = m² s² + σ²): the irreducible part of
    /// the denoising loss. 20,000 draws agree within 4 standard errors.
    /// </summary>
    [Theory]
    [InlineData("vp", 0.05)]
    [InlineData("vp", 0.5)]
    [InlineData("ve", 0.3)]
    public void ExactScore_LossMatchesClosedForm(string name, double time)
    {
        using var scope = torch.NewDisposeScope();
        var sde = LikelihoodTests.Make(name);
        var data = new GaussianData(sde, [1.0, -0.5], 0.3);
        const int n = 20_000;
        var gen = new Generator(7).manual_seed(7);
        var x0 = torch.randn([n, 2], dtype: ScalarType.Float64, generator: gen) * data.S + data.MuTensor(ScalarType.Float64);
        var z = torch.randn([n, 2], dtype: ScalarType.Float64, generator: gen);
        var t = torch.full([n], time, dtype: ScalarType.Float64);
        var per = new ScoreMatchingLoss(sde).PerSample(data.Score, x0, t, z);
        double m = data.M(time), v = data.V(time);
        double expected = 2 * m * m * data.S * data.S / v;
        double mean = per.mean().item<double>(), se = per.std().item<double>() / Math.Sqrt(n);
        output.WriteLine($"{name} t={time}: loss {mean:F5} ± {se:F5}, closed form {expected:F5}");
        Assert.InRange(Math.Abs(mean - expected), 0, 4 * se);
    }

    [Fact]
    public void Compute_RejectsMismatchedShapes()
    {
        using var scope = torch.NewDisposeScope();
        var loss = new ScoreMatchingLoss(new VpSde());
        var x0 = torch.zeros(4, 3);
        var ex = Assert.Throws<ArgumentException>(() => loss.Compute((x, t) => x, x0, torch.zeros(4), torch.zeros(4, 2)));
        Assert.Contains("[4, 2]", ex.Message);
        Assert.Contains("[4, 3]", ex.Message);
        Assert.Contains("[3]", Assert.Throws<ArgumentException>(() => loss.Compute((x, t) => x, x0, torch.zeros(3), torch.zeros(4, 3))).Message);
        Assert.Contains("[4, 1]", Assert.Throws<InvalidOperationException>(() => loss.Compute((x, t) => x.narrow(1, 0, 1), x0, torch.ones(4) * 0.5, torch.zeros(4, 3))).Message);
    }
}
