using Diffusion.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Metrics;

public class FidSpreadTests
{
    [Fact]
    public void SameDistribution_SitsAtTheFloor_AShiftedOneAboveIt()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        var real = randn([2000, 8], generator: g).to(ScalarType.Float64);
        var same = randn([1000, 8], generator: g).to(ScalarType.Float64);
        var shifted = same + 0.5;   // |Δμ|² = 8 · 0.25 = 2 on top of the floor
        var atFloor = FidSpread.Measure(real, same, draws: 5, seed: 3);
        var above = FidSpread.Measure(real, shifted, draws: 5, seed: 3);
        Assert.Equal(5, atFloor.Fids.Length);
        // Real-vs-real and real-vs-same-distribution FIDs of 1,000 vs 1,000 draws of 8-D Gaussians are both ~ 0.1.
        Assert.InRange(Math.Abs(atFloor.Fid - atFloor.Floor), 0, 3 * (atFloor.FidStd + atFloor.FloorStd) + 0.05);
        // The shift adds 2 + Σ_d (μ̂_gen − μ̂_real)_d, whose sampling noise has a standard deviation of about 0.13 here.
        Assert.InRange(above.Fid - atFloor.Fid, 1.5, 2.5);
        Assert.Equal(atFloor.Floors, above.Floors);   // one seed, one set of reference draws
        Assert.True(atFloor.FloorStd > 0);
    }

    [Fact]
    public void TooFewRealFeatures_IsAnError()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => FidSpread.Measure(zeros(150, 4), zeros(100, 4)));
        Assert.Contains("at least 2n", error.Message, StringComparison.Ordinal);
    }
}
