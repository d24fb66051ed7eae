using Diffusion.Cold;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Cold;

public class AdditiveDriftTests
{
    [Fact]
    public void Algorithm2_IsExactForAnyRestorer_WhenDIsLinearInS_AndAlgorithm1IsNot()
    {
        using var scope = NewDisposeScope();
        using var g = new torch.Generator(3);
        var x0 = randn([2, 1, 5, 5], dtype: ScalarType.Float64, generator: g);
        using var drift = new AdditiveDrift(randn([1, 5, 5], dtype: ScalarType.Float64, generator: g), 10);
        Restorer poor = (xs, s) => xs * 0.3 + 0.1;   // ignores what it should restore
        double Worst(ColdSampler sampler)
        {
            double worst = 0;
            var result = sampler.Sample(poor, drift.Apply(x0, 10), observer: step => worst = Math.Max(worst, (step.Sample - drift.Apply(x0, step.Timestep - 1)).abs().max().item<double>()));
            return Math.Max(worst, (result - x0).abs().max().item<double>());
        }
        Assert.True(Worst(new ColdAlgorithm2(drift)) < 1e-12);
        Assert.True(Worst(new ColdAlgorithm1(drift)) > 0.1);
    }

    [Fact]
    public void Apply_AddsTheDirectionInProportionToS_AndRefusesOtherShapes()
    {
        using var a = ones([1, 2, 2]);
        using var drift = new AdditiveDrift(a, 4);
        using var x = zeros([3, 1, 2, 2]);
        using var d = drift.Apply(x, 2);
        Assert.Equal(0.5, d.mean().item<float>(), 6);
        using var wrong = zeros([3, 1, 3, 3]);
        Assert.Throws<ArgumentException>(() => drift.Apply(wrong, 1));
        using var batch = zeros([2, 1, 2, 2]);
        Assert.Throws<ArgumentException>(() => new AdditiveDrift(batch, 4));
    }
}
