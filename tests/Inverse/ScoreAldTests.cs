using Diffusion.Ddpm;
using Diffusion.Inverse;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>ScoreALD's ladder, its score conversion from the ε-model, and its step sizes.</summary>
public sealed class ScoreAldTests
{
    [Fact]
    public void Ladder_IsEveryTimestepByDefault_AndGeometricWhenShorter()
    {
        var schedule = NoiseSchedule.Linear(1000);
        var ald = new ScoreAld(schedule);
        Assert.Equal(Enumerable.Range(0, 1000).Reverse(), ald.LevelTimesteps);
        Assert.Equal(Math.Sqrt(1e-4 / (1 - 1e-4)), ald.Sigmas[^1], 1e-14);
        Assert.Equal(Math.Sqrt(1 / schedule.AlphaBars[999] - 1), ald.Sigmas[0], 9);
        // η_i = ε σ_i²/σ_L²: ε at the last level.
        Assert.Equal(9e-7, ald.StepSizes[^1], 1e-18);
        Assert.Equal(9e-7 * Math.Pow(ald.Sigmas[0] / ald.Sigmas[^1], 2), ald.StepSizes[0], 6);

        int[] ladder = ScoreAld.Ladder(schedule, 20);
        Assert.Equal(999, ladder[0]);
        Assert.Equal(0, ladder[^1]);
        Assert.True(ladder.Zip(ladder.Skip(1), (p, q) => p > q).All(b => b), "the ladder must decrease strictly");
        // Nearly constant ratios of σ between levels where the schedule's levels are dense.
        var logs = ladder.Select(t => Math.Log(ScoreAld.Sigma(schedule, t))).ToArray();
        var gaps = logs.Zip(logs.Skip(1), (p, q) => p - q).ToArray();
        double target = (logs[0] - logs[^1]) / 19;
        Assert.All(gaps.Take(10), gap => Assert.InRange(gap, 0.8 * target, 1.2 * target));
    }

    [Fact]
    public void Score_IsMinusEpsilonOverSigma_OnTheDataScale()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(51);
        var schedule = GaussianPrior.Schedule();
        var ald = new ScoreAld(schedule);
        var x = randn([3, 1, 4, 4], ScalarType.Float64, generator: g);
        foreach (int t in new[] { 0, 17, 99 })
        {
            // For x_0 ~ N(0, I), x̃ = x_0 + σ_t ε ~ N(0, (1 + σ_t²) I): the exact score is −x̃/(1 + σ_t²).
            double sigma = ScoreAld.Sigma(schedule, t);
            var score = ald.Score(GaussianPrior.Model(schedule), x, t);
            Assert.True((score + x / (1 + sigma * sigma)).abs().max().item<double>() < 1e-12, $"t = {t}");
        }
        // The ε-model is called on the VP-scaled √ᾱ_t x̃ with timestep t.
        double seenError = double.NaN;
        long seenT = -1;
        EpsilonModel spy = (xt, t) =>
        {
            seenError = (xt - x * schedule.SqrtAlphaBars[42]).abs().max().item<double>();
            seenT = t[0].item<long>();
            return ones_like(xt);
        };
        var s = ald.Score(spy, x, 42);
        Assert.Equal(42, seenT);
        Assert.True(seenError < 1e-15, $"the model saw x off √ᾱ_t x̃ by {seenError}");
        Assert.True((s + 1 / ScoreAld.Sigma(schedule, 42)).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void BadOptions_AreRefused()
    {
        var schedule = GaussianPrior.Schedule();
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScoreAld(schedule, new ScoreAldOptions { StepsPerLevel = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScoreAld(schedule, new ScoreAldOptions { StepSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScoreAld(schedule, new ScoreAldOptions { SigmaY = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScoreAld(schedule, new ScoreAldOptions { Levels = 101 }));
    }
}
