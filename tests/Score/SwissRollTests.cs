using Diffusion.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Score;

public class SwissRollTests
{
    [Fact]
    public void Sample_IsSeededAndShaped()
    {
        using var a = SwissRoll.Sample(500, seed: 3);
        Assert.Equal(new long[] { 500, 2 }, a.shape);
        Assert.Equal(ScalarType.Float32, a.dtype);
        Assert.Equal(SwissRoll.SampleArray(500, seed: 3), a.data<float>().ToArray());
        Assert.NotEqual(SwissRoll.SampleArray(500, seed: 3), SwissRoll.SampleArray(500, seed: 4));
        // Radii t/scale lie in [1.5π, 4.5π]/10 up to the noise.
        var p = a.data<float>().ToArray();
        for (int i = 0; i < 500; i++)
        {
            double r = Math.Sqrt(p[2 * i] * p[2 * i] + p[2 * i + 1] * p[2 * i + 1]);
            Assert.InRange(r, 0.3, 1.6);
        }
    }

    [Fact]
    public void Sample_RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SwissRoll.SampleArray(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SwissRoll.SampleArray(10, noise: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SwissRoll.SampleArray(10, scale: 0));
    }
}
