using Diffusion.Metrics;

namespace Diffusion.Tests.Metrics;

public class KlDivergenceTests
{
    [Fact]
    public void Gaussian_ClosedForm_KnownValues()
    {
        Assert.Equal(0, KlDivergence.Gaussian(1.5, 2, 1.5, 2), 15);
        // KL(N(1, 1) ‖ N(0, 1)) = ½.
        Assert.Equal(0.5, KlDivergence.ToStandardNormal(1, 1), 15);
        // KL(N(0, 4) ‖ N(0, 1)) = ½(4 − 1 − log 4).
        Assert.Equal(0.5 * (3 - Math.Log(4)), KlDivergence.ToStandardNormal(0, 4), 15);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.5)]
    [InlineData(-2.0, 2.0)]
    public void Estimators_OnGaussianSamples_MatchTheClosedForm(double mean, double std)
    {
        var random = new Random(7);
        var samples = new double[400_000];
        for (int i = 0; i < samples.Length; i++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            samples[i] = mean + std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        double exact = KlDivergence.ToStandardNormal(mean, std * std);
        // Gaussian fit: error from the sample moments only; the variance's standard error is σ²√(2/n) ≈ 0.009 for σ = 2.
        Assert.InRange(KlDivergence.GaussianFitToStandardNormal(samples) - exact, -0.02, 0.02);
        // Histogram with bins of 0.05: discretisation and the positive bias of the plug-in estimator stay below 0.01 nats.
        Assert.InRange(KlDivergence.HistogramToStandardNormal(samples, 0.05) - exact, -0.01, 0.01);
    }

    [Fact]
    public void Histogram_OfAnExponential_ApproachesTheTrueKl()
    {
        // X ~ Exp(rate 0.5): KL(p ‖ N(0,1)) = −H(p) + E[X²]/2 + ½ log 2π = −(1 − log 0.5) + 8/2 + ½ log 2π.
        double exact = -(1 - Math.Log(0.5)) + 4 + 0.5 * Math.Log(2 * Math.PI);
        var random = new Random(3);
        var samples = new double[400_000];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = -Math.Log(1 - random.NextDouble()) / 0.5;
        }
        Assert.InRange(KlDivergence.HistogramToStandardNormal(samples, 0.05, 6) - exact, -0.03, 0.03);
    }

    [Fact]
    public void StandardNormal_MassAndCdf_AreAccurate()
    {
        Assert.Equal(0.5, StandardNormal.Cdf(0), 7);
        Assert.Equal(0.841344746, StandardNormal.Cdf(1), 6);
        Assert.Equal(0.682689492, StandardNormal.Mass(-1, 1), 6);
        Assert.True(StandardNormal.Mass(20, 20.1) > 0);
    }
}
