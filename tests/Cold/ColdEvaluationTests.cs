using Diffusion.Cold;
using Diffusion.Metrics;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Cold;

public class ColdEvaluationTests
{
    private static Tensor Digits(int count, ulong seed)
    {
        using var g = new Generator(seed);
        return (rand([count, 1, 28, 28], generator: g) * 2 - 1).clamp(-1, 1);
    }

    [Fact]
    public void Restore_ReportsEveryMethod_WithThePerfectRestorationFloor()
    {
        using var scope = NewDisposeScope();
        using var network = FeatureNetwork.Load(Repository.FidNetwork);
        using var blur = CumulativeBlur.Mnist();
        var x0 = Digits(12, 1);
        var reference = Digits(12, 2);
        Restorer identity = (xs, s) => xs.clone();
        var rows = ColdEvaluation.Restore(identity, blur, x0, reference, network, severity: 5, batchSize: 5);
        Assert.Equal(ColdEvaluation.Methods, rows.Select(r => r.Method));
        var degraded = (blur.Apply(x0, 5).clamp(-1, 1) + 1) / 2;
        Assert.Equal(Psnr.Mean(degraded, (x0 + 1) / 2), rows[0].Psnr, 6);
        // The identity restorer leaves x_s alone: direct = degraded.
        Assert.Equal(rows[0].Psnr, rows[1].Psnr, 6);
        Assert.Equal(Fid.Compute(network, reference, x0), rows[0].FidFloor, 6);
        Assert.All(rows, r => Assert.Equal(12, r.Images));
        Assert.All(rows, r => Assert.Equal("blur", r.Degradation));
    }

    [Fact]
    public void Restore_BindsTheMaskPerImage_AndChecksItsInputs()
    {
        using var scope = NewDisposeScope();
        using var network = FeatureNetwork.Load(Repository.FidNetwork);
        using var mask = GaussianMask.Mnist();
        var x0 = Digits(6, 3);
        Restorer identity = (xs, s) => xs.clone();
        var rows = ColdEvaluation.Restore(identity, mask, x0, Digits(6, 4), network, severity: mask.T, batchSize: 4);
        Assert.Equal(4, rows.Count);
        Assert.True(rows.All(r => double.IsFinite(r.Psnr) && double.IsFinite(r.Fid)));
        var shape = Assert.Throws<ArgumentException>(() => ColdEvaluation.Restore(identity, mask, x0, Digits(6, 4).reshape(6, 1, 784, 1), network, 3));
        Assert.Contains("[6, 1, 784, 1]", shape.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ColdEvaluation.Restore(identity, mask, x0, Digits(6, 4), network, mask.T + 1));
    }
}
