using Diffusion.Data;
using Diffusion.Metrics;

namespace Diffusion.Tests.Score;

public class SwissRollTests
{
    [Fact]
    public void Sample_IsSeededAndShaped()
    {
        using var a = SwissRoll.Sample(500, seed: 3);
        Assert.Equal(new long[] { 500, 2 }, a.Shape);
        Assert.Equal(SwissRoll.SampleArray(500, seed: 3), a.ToArray<float>());
        Assert.NotEqual(SwissRoll.SampleArray(500, seed: 3), SwissRoll.SampleArray(500, seed: 4));
        // Radii t/scale lie in [1.5π, 4.5π]/10 up to the noise.
        var p = a.ToArray<float>();
        for (int i = 0; i < 500; i++)
        {
            double r = Math.Sqrt(p[2 * i] * p[2 * i] + p[2 * i + 1] * p[2 * i + 1]);
            Assert.InRange(r, 0.3, 1.6);
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
