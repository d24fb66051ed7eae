using Diffusion.Score;
using Diffusion.Tensors;

namespace Diffusion.Tests.Score;

public class LangevinTests
{
    // A Gaussian N(μ, s²I) in 2-D: its score is −(x − μ)/s², and noised by σ it stays Gaussian with variance s² + σ².
    private const double Mu = 0.7, S = 0.6;

    private static Tensor GaussianScore(Tensor x, Tensor sigma)
    {
        using var scope = new TensorScope();
        var variance = sigma.Square().Unsqueeze(1) + S * S;
        return scope.Keep((x - Mu).Neg() / variance);
    }

    [Fact]
    public void Langevin_WithExactGaussianScore_RecoversMeanAndVariance()
    {
        using var scope = new TensorScope();
        using var g = new Generator(11);
        var x0 = Torch.Randn([4000, 2], DType.Float64, generator: g) * 3.0;
        // Unadjusted Langevin on a Gaussian has stationary variance s²/(1 − ε/(4s²)): 0.7 % above s² at ε = 0.01.
        const double eps = 0.01;
        var result = Langevin.Sample(GaussianScore, x0, sigma: 0, stepSize: eps, steps: 1500, generator: g);
        double[] v = result.Samples.ToArray<double>();
        double mean = v.Average();
        double variance = v.Select(a => (a - mean) * (a - mean)).Sum() / (v.Length - 1);
        double expectedVariance = S * S / (1 - eps / (4 * S * S));
        Assert.InRange(mean, Mu - 0.03, Mu + 0.03);
        Assert.InRange(variance / expectedVariance, 0.95, 1.05);
    }

    [Fact]
    public void AnnealedLangevin_WithExactNoisedScores_EndsAtTheData()
    {
        using var scope = new TensorScope();
        using var g = new Generator(12);
        var sigmas = NoiseLevels.Geometric(3, 0.01, 10);
        var x0 = Torch.Randn([4000, 2], DType.Float64, generator: g) * 3.0;
        // ε/σ_L² = 0.5: every level takes steps of half its variance, stable and mixing within 100 steps.
        var result = Langevin.Annealed(GaussianScore, x0, sigmas, epsilon: 5e-5, stepsPerLevel: 100, generator: g, recordEvery: 100);
        double[] v = result.Samples.ToArray<double>();
        double mean = v.Average();
        double variance = v.Select(a => (a - mean) * (a - mean)).Sum() / (v.Length - 1);
        Assert.InRange(mean, Mu - 0.03, Mu + 0.03);
        Assert.InRange(variance / (S * S + 0.01 * 0.01), 0.93, 1.07);
        Assert.Equal(11, result.Snapshots.Count);
        Assert.Equal(8000, result.Snapshots[0].Length);
    }

    [Fact]
    public void DenoisingScoreMatching_IsMinimisedByTheOptimalDenoiser()
    {
        // For Gaussian data N(μ, s²I) the minimiser of ½E‖σ s(x + σz, σ) + z‖² is the score of the noised data,
        // −(x̃ − μ)/(s² + σ²); it reduces to −x̃/σ² when the data sit at μ = 0 with s → 0. Scaling it either way costs loss.
        using var scope = new TensorScope();
        var dsm = new DenoisingScoreMatching(0.05, 2);
        var data = Torch.Randn([200_000, 2], DType.Float64, generator: new Generator(5)) * S + Mu;
        double Loss(double scale)
        {
            using var g = new Generator(6);
            using var inner = new TensorScope();
            return dsm.Loss((x, sigma) => GaussianScore(x, sigma) * scale, data, g).ToDouble();
        }
        double best = Loss(1.0);
        Assert.True(best < Loss(0.9), "0.9 × the optimal score should have a larger loss");
        Assert.True(best < Loss(1.1), "1.1 × the optimal score should have a larger loss");
        // At the optimum the loss equals ½ E[d · s²/(s² + σ²)] (d = 2): the part of z the data hide.
        Assert.InRange(best, 0.01, 1.0);
    }

    [Fact]
    public void OptimalDenoisingScore_OfAPointMass_IsMinusXOverSigmaSquared()
    {
        // Data at the origin: the kernel-density score of the noised data is exactly −x/σ².
        var data = new float[] { 0, 0, 0, 0 };
        var queries = new float[] { 0.3f, -0.2f, 1.5f, 2.0f };
        var score = Diffusion.Metrics.KernelDensityScore.Score(queries, data, sigma: 0.5);
        for (int i = 0; i < queries.Length; i++)
        {
            Assert.Equal(-queries[i] / 0.25, score[i], 6);
        }
    }

    [Fact]
    public void KernelDensityScore_OfGaussianData_ApproachesTheClosedForm()
    {
        var random = new Random(4);
        var data = new float[2 * 20_000];
        for (int i = 0; i < data.Length; i++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            data[i] = (float)(Mu + S * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        var queries = new float[] { 0.2f, 0.9f, -0.5f, 1.4f };
        const double sigma = 0.5;
        var score = Diffusion.Metrics.KernelDensityScore.Score(queries, data, sigma);
        for (int i = 0; i < queries.Length; i++)
        {
            double exact = -(queries[i] - Mu) / (S * S + sigma * sigma);
            Assert.InRange(score[i] - exact, -0.05, 0.05);
        }
    }
}
