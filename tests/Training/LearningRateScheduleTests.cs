using Diffusion.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void WarmupRisesLinearlyThenCosineFallsToTheMinimumAtTheLastStep()
    {
        const double eta = 1e-3, etaMin = 1e-5;
        const int w = 10;
        const long total = 110;
        Assert.Equal(eta * 1 / w, LearningRateSchedule.RateAt(0, eta, w, LearningRateDecay.Cosine, total, etaMin), 12);
        Assert.Equal(eta * 5 / w, LearningRateSchedule.RateAt(4, eta, w, LearningRateDecay.Cosine, total, etaMin), 12);
        Assert.Equal(eta, LearningRateSchedule.RateAt(w, eta, w, LearningRateDecay.Cosine, total, etaMin), 12);
        // Half-way through the decay the cosine is at the mid-point of η and η_min.
        Assert.Equal((eta + etaMin) / 2, LearningRateSchedule.RateAt(w + 50, eta, w, LearningRateDecay.Cosine, total, etaMin), 12);
        Assert.Equal(etaMin, LearningRateSchedule.RateAt(total, eta, w, LearningRateDecay.Cosine, total, etaMin), 12);
        Assert.Equal(etaMin, LearningRateSchedule.RateAt(total + 7, eta, w, LearningRateDecay.Cosine, total, etaMin), 12);
        Assert.Equal(eta, LearningRateSchedule.RateAt(total, eta, w, LearningRateDecay.None, total, etaMin), 12);
    }

    [Fact]
    public void TheOptimizerFollowsTheScheduleAndAResumedScheduleJumpsToItsStep()
    {
        using var scope = NewDisposeScope();
        var weight = nn.Parameter(zeros(3));
        var optimizer = optim.Adam([weight], lr: 1e-3);
        var schedule = new LearningRateSchedule(optimizer, 4, LearningRateDecay.Cosine, 20, 1e-5);
        for (int t = 0; t < 12; t++)
        {
            Assert.Equal(LearningRateSchedule.RateAt(t, 1e-3, 4, LearningRateDecay.Cosine, 20, 1e-5), schedule.LearningRate, 12);
            schedule.Step();
        }
        var resumed = new LearningRateSchedule(optim.Adam([weight], lr: 1e-3), 4, LearningRateDecay.Cosine, 20, 1e-5);
        resumed.SetStep(12);
        Assert.Equal(schedule.LearningRate, resumed.LearningRate, 12);
    }
}
