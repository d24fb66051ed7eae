using Diffusion.Ddpm;
using Diffusion.Inverse;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>SDEdit: t0 = 0 is the identity, masked re-noising keeps the known pixels, the default guess, the timesteps.</summary>
public sealed class SdEditTests
{
    [Fact]
    public void T0Zero_ReturnsTheGuessExactly()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(41);
        var schedule = GaussianPrior.Schedule();
        var a = new GaussianBlur(8, 8, 3, 1.0, BlurPadding.Reflect);
        var guess = rand([2, 1, 8, 8], generator: g) * 2 - 1;
        var y = a.Measure(guess, 0.05, g);
        var sdedit = new SdEdit(schedule, new SdEditOptions { T0 = 0, Repeats = 3 });
        Assert.Equal(0, sdedit.StartStep);
        Assert.Empty(sdedit.Timesteps);
        int calls = 0;
        EpsilonModel model = (x, t) => { calls++; return zeros_like(x); };
        var result = sdedit.Sample(model, a, y, g, guess);
        Assert.Equal(0.0, (result - guess).abs().max().item<float>());
        Assert.False(ReferenceEquals(result, guess));
        Assert.Equal(0, calls);
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(2, 7)]
    public void MaskedRenoising_KeepsTheKnownPixels(int repeats, int? steps)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(42);
        var schedule = GaussianPrior.Schedule();
        var a = PixelMask.Box(8, 8, 2, 3, 4, 3);
        var x = rand([2, 1, 8, 8], generator: g) * 2 - 1;
        var y = a.Measure(x, 0.05, g);
        var model = GaussianPrior.Model(schedule);

        var on = new SdEdit(schedule, new SdEditOptions { T0 = 0.5, Repeats = repeats, Steps = steps });
        var kept = on.Sample(model, a, y, g);
        // Known pixels: exactly y there (M ⊙ result = M ⊙ y); the box is sampled.
        Assert.Equal(0.0, (a.Forward(kept) - a.Forward(y)).abs().max().item<float>());
        Assert.True((kept - a.Forward(kept)).abs().max().item<float>() > 1e-2);

        var off = new SdEdit(schedule, new SdEditOptions { T0 = 0.5, Repeats = repeats, Steps = steps, KnownPixels = SdEditKnownPixels.Free });
        var free = off.Sample(model, a, y, g);
        Assert.True((a.Forward(free) - a.Forward(y)).abs().max().item<float>() > 1e-2, "without re-noising the known pixels drift");
    }

    [Fact]
    public void Observer_SeesEveryStepOfEveryPass()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(43);
        var schedule = GaussianPrior.Schedule();
        var a = new AveragePoolDownsample(8, 8, 2);
        var y = a.Measure(randn([1, 1, 8, 8], generator: g), 0.05, g);
        var sdedit = new SdEdit(schedule, new SdEditOptions { T0 = 0.4, Repeats = 3, Steps = 5 });
        Assert.Equal(40, sdedit.StartStep);
        Assert.Equal([39, 29, 20, 10, 0], sdedit.Timesteps);
        var seen = new List<(int Index, int Count, int Timestep)>();
        var result = sdedit.Sample(GaussianPrior.Model(schedule), a, y, g, observer: s => seen.Add((s.Index, s.Count, s.Timestep)));
        Assert.Equal(15, seen.Count);
        Assert.All(seen, s => Assert.Equal(15, s.Count));
        Assert.Equal(Enumerable.Range(0, 15), seen.Select(s => s.Index));
        Assert.Equal(sdedit.Timesteps.Concat(sdedit.Timesteps).Concat(sdedit.Timesteps), seen.Select(s => s.Timestep));
        Assert.Equal([1L, 1, 8, 8], result.shape);
    }

    [Fact]
    public void BackProjection_InvertsWhatASees()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(44);
        var noise = NoiseSources.From(g);
        // Average pooling: Aᵀy ⊘ Aᵀ1 is the nearest up-sampling of y.
        var pool = new AveragePoolDownsample(8, 8, 2);
        var y = randn([2, 3, 4, 4], generator: g);
        var up = y.repeat_interleave(2, 2).repeat_interleave(2, 3);
        Assert.True((SdEdit.BackProjection(pool, y, noise) - up).abs().max().item<float>() < 1e-6);
        // A mask: y on the known pixels, N(0, 1) noise in the box.
        var mask = PixelMask.Box(8, 8, 2, 2, 4, 4);
        var ym = mask.Forward(randn([2, 1, 8, 8], generator: g));
        var guess = SdEdit.BackProjection(mask, ym, noise);
        Assert.Equal(0.0, (mask.Forward(guess) - ym).abs().max().item<float>());
        var hole = guess[.., .., 2..6, 2..6];
        Assert.InRange(hole.std().item<float>(), 0.6, 1.4);
    }

    [Fact]
    public void Defaults_AreThePublicCodes()
    {
        var sdedit = new SdEdit(NoiseSchedule.Linear(1000));
        Assert.Equal(400, sdedit.StartStep);
        Assert.Equal(3, sdedit.Options.Repeats);
        Assert.Equal(400, sdedit.Timesteps.Length);
        Assert.Equal(399, sdedit.Timesteps[0]);
        Assert.Equal(0, sdedit.Timesteps[^1]);
        Assert.Equal(VarianceType.FixedSmall, sdedit.Options.Variance);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SdEdit(NoiseSchedule.Linear(1000), new SdEditOptions { T0 = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SdEdit(NoiseSchedule.Linear(1000), new SdEditOptions { Repeats = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SdEdit(NoiseSchedule.Linear(1000), new SdEditOptions { Steps = 401 }));
    }
}
