using Diffusion.Score;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Score;

public class LangevinTests
{
    // A Gaussian N(μ, s²I) in 2-D: its score is −(x − μ)/s², and noised by σ it stays Gaussian with variance s² + σ².
    internal const double Mu = 0.7, S = 0.6;

    internal static Tensor GaussianScore(Tensor x, Tensor sigma)
    {
        using var scope = torch.NewDisposeScope();
        var variance = sigma.square().unsqueeze(1) + S * S;
        return ((x - Mu).neg() / variance).MoveToOuterDisposeScope();
    }

    [Fact]
    public void Langevin_WithExactGaussianScore_RecoversMeanAndVariance()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(11);
        var x0 = torch.randn([4000, 2], dtype: float64, generator: g) * 3.0;
        // Unadjusted Langevin on a Gaussian has stationary variance s²/(1 − ε/(4s²)): 0.7 % above s² at ε = 0.01.
        const double eps = 0.01;
        var result = Langevin.Sample(GaussianScore, x0, sigma: 0, stepSize: eps, steps: 1500, generator: g);
        double[] v = result.Samples.data<double>().ToArray();
        double mean = v.Average();
        double variance = v.Select(a => (a - mean) * (a - mean)).Sum() / (v.Length - 1);
        double expectedVariance = S * S / (1 - eps / (4 * S * S));
        Assert.InRange(mean, Mu - 0.03, Mu + 0.03);
        Assert.InRange(variance / expectedVariance, 0.95, 1.05);
        Assert.False(x0.IsInvalid);
    }

    [Fact]
    public void AnnealedLangevin_WithExactNoisedScores_EndsAtTheData()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(12);
        var sigmas = NoiseLevels.Geometric(3, 0.01, 10);
        var x0 = torch.randn([4000, 2], dtype: float64, generator: g) * 3.0;
        // ε/σ_L² = 0.5: every level takes steps of half its variance, stable and mixing within 100 steps.
        var result = Langevin.Annealed(GaussianScore, x0, sigmas, epsilon: 5e-5, stepsPerLevel: 100, generator: g, recordEvery: 100);
        double[] v = result.Samples.data<double>().ToArray();
        double mean = v.Average();
        double variance = v.Select(a => (a - mean) * (a - mean)).Sum() / (v.Length - 1);
        Assert.InRange(mean, Mu - 0.03, Mu + 0.03);
        Assert.InRange(variance / (S * S + 0.01 * 0.01), 0.93, 1.07);
        Assert.Equal(11, result.Snapshots.Count);
        Assert.Equal(8000, result.Snapshots[0].Length);
    }

    [Fact]
    public void Langevin_RejectsAScoreOfAnotherShape()
    {
        using var scope = torch.NewDisposeScope();
        var x0 = torch.zeros([5, 2]);
        var e = Assert.Throws<ArgumentException>(() => Langevin.Sample((x, sigma) => x.sum(1), x0, sigma: 0.1, stepSize: 0.01, steps: 3));
        Assert.Contains("[5]", e.Message);
        Assert.Contains("[5, 2]", e.Message);
        Assert.Throws<ArgumentException>(() => Langevin.Annealed(GaussianScore, x0, [], epsilon: 1e-3, stepsPerLevel: 2));
    }

    [Fact]
    public void DenoisingScoreMatching_IsMinimisedByTheOptimalDenoiser()
    {
        // For Gaussian data N(μ, s²I) the minimiser of ½E‖σ s(x + σz, σ) + z‖² is the score of the noised data,
        // −(x̃ − μ)/(s² + σ²); it reduces to −x̃/σ² when the data sit at μ = 0 with s → 0. Scaling it either way costs loss.
        using var scope = torch.NewDisposeScope();
        var dsm = new DenoisingScoreMatching(0.05, 2);
        using var dataGenerator = new torch.Generator(5);
        var data = torch.randn([200_000, 2], dtype: float64, generator: dataGenerator) * S + Mu;
        double Loss(double scale)
        {
            using var g = new torch.Generator(6);
            using var inner = torch.NewDisposeScope();
            return dsm.Loss((x, sigma) => GaussianScore(x, sigma) * scale, data, g).item<double>();
        }
        double best = Loss(1.0);
        Assert.True(best < Loss(0.9), "0.9 × the optimal score should have a larger loss");
        Assert.True(best < Loss(1.1), "1.1 × the optimal score should have a larger loss");
        // At the optimum the loss equals ½ E[d · s²/(s² + σ²)] (d = 2): the part of z the data hide.
        Assert.InRange(best, 0.01, 1.0);
    }

    [Fact]
    public void DenoisingScoreMatching_LossWithGivenNoise_IsTheFormula()
    {
        // L = mean_b ½‖σ_b s(x_b + σ_b z_b, σ_b) + z_b‖², checked by hand for s(x, σ) = −x/σ² on two points.
        using var scope = torch.NewDisposeScope();
        var dsm = new DenoisingScoreMatching(0.1, 1);
        var x = torch.tensor(new[] { 1.0, 2.0, -1.0, 0.5 }, [2, 2]);
        var sigma = torch.tensor(new[] { 0.5, 0.25 });
        var z = torch.tensor(new[] { 0.3, -0.2, 1.0, 0.0 }, [2, 2]);
        double loss = dsm.Loss((p, s) => -p / s.square().unsqueeze(1), x, sigma, z).item<double>();
        double expected = 0;
        double[] xs = [1, 2, -1, 0.5], zs = [0.3, -0.2, 1, 0], ss = [0.5, 0.25];
        for (int b = 0; b < 2; b++)
        {
            for (int j = 0; j < 2; j++)
            {
                double noisy = xs[2 * b + j] + ss[b] * zs[2 * b + j];
                double r = ss[b] * (-noisy / (ss[b] * ss[b])) + zs[2 * b + j];
                expected += 0.5 * r * r / 2;
            }
        }
        Assert.Equal(expected, loss, 12);
    }

    [Fact]
    public void DenoisingScoreMatching_RejectsMismatchedShapes_NamingBoth()
    {
        using var scope = torch.NewDisposeScope();
        var dsm = new DenoisingScoreMatching(0.1, 1);
        var x = torch.zeros([4, 2]);
        var e = Assert.Throws<ArgumentException>(() => dsm.Loss(GaussianScore, x, torch.ones([3]), torch.zeros([4, 2])));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[4, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => dsm.Loss(GaussianScore, x, torch.ones([4]), torch.zeros([4, 3])));
        Assert.Contains("[4, 3]", e.Message);
        Assert.Contains("[4, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => dsm.Loss((p, s) => p.sum(1), x));
        Assert.Contains("[4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => dsm.Loss(GaussianScore, torch.zeros([4])));
        Assert.Contains("[4]", e.Message);
    }
}
