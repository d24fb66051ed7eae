using Diffusion.Data;
using Diffusion.Metrics;

namespace Diffusion.Tests.Score;

/// <summary>The reference scores and distances notebook 02 checks the learned score against (lib/Metrics, plain .NET).</summary>
public class ScoreReferenceTests
{
    private const double Mu = LangevinTests.Mu, S = LangevinTests.S;

    [Fact]
    public void OptimalDenoisingScore_OfAPointMass_IsMinusXOverSigmaSquared()
    {
        // Data at the origin: the kernel-density score of the noised data is exactly −x/σ².
        var data = new float[] { 0, 0, 0, 0 };
        var queries = new float[] { 0.3f, -0.2f, 1.5f, 2.0f };
        var score = KernelDensityScore.Score(queries, data, sigma: 0.5);
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
        var score = KernelDensityScore.Score(queries, data, sigma);
        for (int i = 0; i < queries.Length; i++)
        {
            double exact = -(queries[i] - Mu) / (S * S + sigma * sigma);
            Assert.InRange(score[i] - exact, -0.05, 0.05);
        }
    }

    [Fact]
    public void EnergyDistance_SeparatesTheRollFromNoise()
    {
        var train = SwissRoll.SampleArray(800, seed: 1);
        var heldOut = SwissRoll.SampleArray(800, seed: 2);
        var random = new Random(9);
        var noise = Enumerable.Range(0, 1600).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();
        double same = PointCloudDistance.Energy(train, heldOut);
        double bad = PointCloudDistance.Energy(noise, heldOut);
        Assert.InRange(same, -0.01, 0.01);
        Assert.True(bad > 0.05, $"noise vs roll energy distance {bad}");
        Assert.True(PointCloudDistance.Mmd(noise, heldOut, 0.2) > 10 * Math.Abs(PointCloudDistance.Mmd(train, heldOut, 0.2)));
    }
}
