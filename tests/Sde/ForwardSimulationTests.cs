using Diffusion.Sde;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Sde;

public class ForwardSimulationTests
{
    [Fact]
    public void Moments_OfSimulatedVpPaths_MatchTheClosedFormMarginal()
    {
        using var g = new torch.Generator(3);
        var sde = new VpSde(0.1, 20, 1000);
        var moments = ForwardSimulation.Moments(sde, 0.5, paths: 20_000, steps: 500, every: 100, g);
        Assert.Equal([0.2, 0.4, 0.6, 0.8, 1.0], moments.T.Select(t => Math.Round(t, 12)));
        for (int k = 0; k < moments.T.Count; k++)
        {
            using var t = full([1], moments.T[k], dtype: ScalarType.Float64);
            using var coefficient = sde.MeanCoefficient(t);
            using var std = sde.MarginalStd(t);
            double sd = std.item<double>();
            Assert.InRange(Math.Abs(moments.Mean[k] - coefficient.item<double>() * 0.5), 0, 5 * sd / Math.Sqrt(20_000));
            Assert.InRange(moments.Std[k] / sd, 0.97, 1.03);
        }
    }

    [Fact]
    public void Moments_RefusesEmptyRuns()
    {
        var sde = new VpSde(0.1, 20, 1000);
        Assert.Throws<ArgumentOutOfRangeException>(() => ForwardSimulation.Moments(sde, 0, 0, 10, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ForwardSimulation.Moments(sde, 0, 10, 10, 11));
    }
}
