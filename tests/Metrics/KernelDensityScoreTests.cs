using Diffusion.Metrics;

namespace Diffusion.Tests.Metrics;

public class KernelDensityScoreTests
{
    [Fact]
    public void LogDensity_OfAPointMass_IsTheGaussianLogDensity()
    {
        var data = new float[] { 0, 0 };
        var queries = new float[] { 0.3f, -0.2f, 3f, 4f };
        const double sigma = 0.5;
        var logp = KernelDensityScore.LogDensity(queries, data, sigma);
        for (int q = 0; q < 2; q++)
        {
            double qx = queries[2 * q], qy = queries[2 * q + 1], r2 = qx * qx + qy * qy;
            Assert.Equal(-Math.Log(2 * Math.PI * sigma * sigma) - r2 / (2 * sigma * sigma), logp[q], 9);
        }
    }

    [Fact]
    public void LogDensity_AveragesTheKernels()
    {
        // Two points: p(x) = ½(N(x; a) + N(x; b)); far from both it must not underflow to −∞.
        var data = new float[] { -1, 0, 1, 0 };
        var logp = KernelDensityScore.LogDensity(new float[] { 0, 0, 40, 0 }, data, 0.1);
        double expected = -Math.Log(2 * Math.PI * 0.01) - 1 / (2 * 0.01);
        Assert.Equal(expected, logp[0], 9);
        Assert.True(double.IsFinite(logp[1]) && logp[1] < -70_000);
    }

    [Fact]
    public void Score_RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelDensityScore.Score(new float[2], new float[2], 0));
        Assert.Throws<ArgumentException>(() => KernelDensityScore.LogDensity(new float[3], new float[2], 1));
    }
}
