using Diffusion.Ddpm;

namespace Diffusion.Tests.Ddpm;

public class NoiseScheduleTests
{
    [Fact]
    public void Linear_MatchesHoEtAlEndpointsAndClosedForms()
    {
        var s = NoiseSchedule.Linear(1000);
        Assert.Equal(1000, s.T);
        Assert.Equal(1e-4, s.Betas[0], 15);
        Assert.Equal(0.02, s.Betas[999], 15);
        double alphaBar = 1;
        for (int t = 0; t < s.T; t++)
        {
            alphaBar *= 1 - s.Betas[t];
            Assert.Equal(alphaBar, s.AlphaBars[t], 14);
            Assert.Equal(Math.Sqrt(alphaBar), s.SqrtAlphaBars[t], 14);
            Assert.Equal(Math.Sqrt(1 - alphaBar), s.SqrtOneMinusAlphaBars[t], 14);
            double abPrev = t == 0 ? 1 : s.AlphaBars[t - 1];
            Assert.Equal(abPrev, s.AlphaBarsPrev[t], 14);
            Assert.Equal(s.Betas[t] * (1 - abPrev) / (1 - alphaBar), s.PosteriorVariance[t], 14);
            Assert.Equal(s.Betas[t] * Math.Sqrt(abPrev) / (1 - alphaBar), s.PosteriorMeanCoef1[t], 14);
            Assert.Equal((1 - abPrev) * Math.Sqrt(1 - s.Betas[t]) / (1 - alphaBar), s.PosteriorMeanCoef2[t], 14);
        }
        // ᾱ_T of DDPM's schedule is about 4.0e-5: x_T is almost pure noise.
        Assert.InRange(s.AlphaBars[999], 3.9e-5, 4.1e-5);
        Assert.Equal(0, s.PosteriorVariance[0]);
    }

    [Fact]
    public void Cosine_FollowsTheSquaredCosineAlphaBar()
    {
        var s = NoiseSchedule.Cosine(1000);
        double F(double t) => Math.Pow(Math.Cos((t / 1000 + 0.008) / 1.008 * Math.PI / 2), 2);
        for (int t = 0; t < 990; t += 37)
        {
            Assert.Equal(F(t + 1) / F(0), s.AlphaBars[t], 9);
        }
        Assert.True(s.Betas.All(b => b <= 0.999));
    }

    [Fact]
    public void Quadratic_HasLinearSquareRoots()
    {
        var s = NoiseSchedule.Quadratic(10, 1e-4, 0.02);
        var roots = s.Betas.Select(Math.Sqrt).ToArray();
        for (int t = 1; t < 9; t++)
        {
            Assert.Equal(roots[1] - roots[0], roots[t + 1] - roots[t], 12);
        }
    }

    [Fact]
    public void Constructor_RejectsBetasOutsideTheUnitInterval()
    {
        Assert.Throws<ArgumentException>(() => new NoiseSchedule([0.1, 1.0]));
        Assert.Throws<ArgumentException>(() => new NoiseSchedule([]));
    }
}
