using Diffusion.Ddpm;
using Diffusion.Inverse;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>Bad input to the posterior samplers: y of the wrong shape for A is refused with both shapes named.</summary>
public sealed class SamplerInputTests
{
    public static TheoryData<string> Samplers => new() { "sdedit", "ald", "dps" };

    private static Tensor Run(string sampler, MeasurementOperator a, Tensor y, long[]? imageShape)
    {
        var schedule = GaussianPrior.Schedule();
        var model = GaussianPrior.Model(schedule);
        return sampler switch
        {
            "sdedit" => new SdEdit(schedule).Sample(model, a, y, guess: imageShape is null ? null : zeros(imageShape)),
            "ald" => new ScoreAld(schedule).Sample(model, a, y, imageShape: imageShape),
            "dps" => new Dps(schedule).Sample(model, a, y, imageShape: imageShape),
            _ => throw new ArgumentException(sampler),
        };
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void YOfTheWrongShape_ThrowsNamingBothShapes(string sampler)
    {
        using var scope = NewDisposeScope();
        var pool = new AveragePoolDownsample(8, 8, 2);
        // Images given: y must be A's [1, 1, 4, 4].
        var ex = Assert.Throws<ArgumentException>(() => Run(sampler, pool, zeros(1, 1, 8, 8), [1, 1, 8, 8]));
        Assert.Contains("[1, 1, 8, 8]", ex.Message);
        Assert.Contains("[1, 1, 4, 4]", ex.Message);
        Assert.Equal("y", ex.ParamName);
        // Images inferred from Aᵀy: A refuses y, and the message says what it expects.
        ex = Assert.Throws<ArgumentException>(() => Run(sampler, pool, zeros(1, 1, 6, 6), null));
        Assert.Contains("[1, 1, 6, 6]", ex.Message);
        Assert.Contains("4, 4]", ex.Message);
        var mask = PixelMask.Box(4, 4, 1, 1, 2, 2);
        ex = Assert.Throws<ArgumentException>(() => Run(sampler, mask, zeros(2, 1, 5, 5), null));
        Assert.Contains("[2, 1, 5, 5]", ex.Message);
        Assert.Contains("[1, 1, 4, 4]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Run(sampler, mask, zeros(16), null));
        Assert.Contains("[16]", ex.Message);
    }

    [Fact]
    public void AModelReturningAnotherShape_IsRefused()
    {
        using var scope = NewDisposeScope();
        var a = PixelMask.Box(4, 4, 1, 1, 2, 2);
        EpsilonModel bad = (x, t) => zeros(x.shape[0], 1, 2, 2);
        var y = zeros(1, 1, 4, 4);
        var schedule = GaussianPrior.Schedule();
        var ex = Assert.Throws<ArgumentException>(() => new Dps(schedule, new DpsOptions { Steps = 2 }).Sample(bad, a, y));
        Assert.Contains("[1, 1, 2, 2]", ex.Message);
        Assert.Contains("[1, 1, 4, 4]", ex.Message);
        Assert.Throws<ArgumentException>(() => new ScoreAld(schedule).Sample(bad, a, y));
        Assert.Throws<ArgumentException>(() => new SdEdit(schedule).Sample(bad, a, y));
    }
}
