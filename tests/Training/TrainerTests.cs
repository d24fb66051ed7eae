using Diffusion.Tests.Support;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;
using Diffusion.Training;

namespace Diffusion.Tests.Training;

/// <summary>The Algorithm 1 loop: loss goes down, resume is exact, cancel leaves a resumable checkpoint (tiny MLP, float32, exact comparisons).</summary>
/// <summary>Bit-identical comparisons of runs: the trainer reseeds libtorch's global generator each step, so these run alone.</summary>
[Collection(SerialCollection.Name)]
public class TrainerTests
{
    private static void AssertSameWeights(nn.Module expected, nn.Module actual) => AssertSameState(expected.state_dict(), actual.state_dict(), "");

    private static void AssertSameState(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual, string what)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (k, t) in expected)
        {
            Assert.True(t.Equals(actual[k]), $"{what}'{k}' differs");
        }
    }

    /// <summary>A finished 4-step run's folder (model.safetensors = its EMA weights): the source of initial weights.</summary>
    private static TempFolder FinishedRun(Tensor data)
    {
        var folder = TinyRun.Folder();
        using var model = new TinyNet(1);
        using var trainer = TinyRun.Trainer(model, data, TinyRun.Options(folder.Path, 4));
        trainer.Train();
        return folder;
    }

    [Fact]
    public void OneStep_ReducesTheLossOnAFixedBatch()
    {
        using var scope = NewDisposeScope();
        using var model = new TinyNet(1);
        var data = TinyRun.Data();
        using var g = new Generator(5);
        var eps = randn(data.shape, generator: g);
        var noisy = data * 0.8 + eps * 0.6;
        double Loss()
        {
            using var s = NewDisposeScope();
            using var noGrad = no_grad();
            model.eval();
            return nn.functional.mse_loss(model.forward(noisy), eps).ToDouble();
        }
        var options = TinyRun.Options(null, 1) with { WarmupSteps = 1, LearningRate = 1e-2 };
        using var trainer = new Trainer(model, (_, _) => nn.functional.mse_loss(model.forward(noisy), eps), (_, _) => data.alias(), options) { ShowProgress = false };
        double before = Loss();
        double stepLoss = trainer.TrainStep();
        double after = Loss();
        Assert.Equal(1, trainer.Step);
        Assert.True(after < before, $"loss {before} -> {after}");
        Assert.True(stepLoss > 0);
    }

    [Fact]
    public void Resume_ContinuesTheStepCountAndMatchesAnUninterruptedRun()
    {
        using var scope = NewDisposeScope();
        var data = TinyRun.Data();
        using var folder = TinyRun.Folder();

        using var straight = new TinyNet(1);
        using (var t = TinyRun.Trainer(straight, data, TinyRun.Options(null, 10)))
        {
            var r = t.Train();
            Assert.Equal(10, r.Step);
            Assert.False(r.Cancelled);
        }

        using (var first = new TinyNet(1))
        using (var t = TinyRun.Trainer(first, data, TinyRun.Options(folder.Path, 4)))
        {
            var r = t.Train();
            Assert.Equal(4, r.Step);
        }

        // A differently initialised model: everything must come from the checkpoint.
        using var resumed = new TinyNet(99);
        using var t2 = TinyRun.Trainer(resumed, data, TinyRun.Options(folder.Path, 10, resume: true));
        Assert.Equal(4, t2.Step);
        Assert.Equal(4, t2.ResumedFrom!.Step);
        Assert.Equal(4, t2.Losses.Count);
        var r2 = t2.Train();
        Assert.Equal(4, r2.StartStep);
        Assert.Equal(10, r2.Step);
        Assert.Equal(10, t2.Losses.Count);
        Assert.Equal(10, Checkpoint.ReadInfo(Path.Combine(folder.Path, Checkpoint.FileName)).Step);
        AssertSameWeights(straight, resumed);
    }

    [Fact]
    public void Resume_GivesTheSameEmaAndLossesAsAnUninterruptedRun()
    {
        using var scope = NewDisposeScope();
        var data = TinyRun.Data();
        using var folder = TinyRun.Folder();
        using var straight = new TinyNet(1);
        using var ts = TinyRun.Trainer(straight, data, TinyRun.Options(null, 6));
        ts.Train();

        using (var first = new TinyNet(1))
        using (var t = TinyRun.Trainer(first, data, TinyRun.Options(folder.Path, 3)))
        {
            t.Train();
        }
        using var resumed = new TinyNet(1);
        using var tr = TinyRun.Trainer(resumed, data, TinyRun.Options(folder.Path, 6, resume: true));
        tr.Train();
        Assert.Equal(ts.Losses, tr.Losses);
        AssertSameState(ts.Ema.StateDict(), tr.Ema.StateDict(), "EMA ");
    }

    [Fact]
    public void InitialWeights_StartModelAndEmaAtAFinishedRunsEmaWithAFreshStepCount()
    {
        using var scope = NewDisposeScope();
        var data = TinyRun.Data();
        using var finished = FinishedRun(data);
        using var expected = new TinyNet(7);
        Checkpoint.LoadWeights(Path.Combine(finished.Path, Checkpoint.WeightsFileName), expected);
        using var fresh = new TinyNet(7);
        Assert.Contains(fresh.state_dict(), kv => !kv.Value.Equals(expected.state_dict()[kv.Key])); // the initialisation really differs

        using var started = new TinyNet(99);
        using var t2 = TinyRun.Trainer(started, data, TinyRun.Options(null, 3) with { InitialWeights = finished.Path });
        Assert.Equal(Path.Combine(finished.Path, Checkpoint.WeightsFileName), t2.InitialisedFrom);
        Assert.Null(t2.ResumedFrom);
        Assert.Equal(0, t2.Step);
        AssertSameWeights(expected, started);
        AssertSameState(expected.state_dict(), t2.Ema.StateDict(), "EMA (must start at the given weights) ");
        var r = t2.Train();
        Assert.Equal(0, r.StartStep);
        Assert.Equal(3, r.Step);
    }

    [Fact]
    public void InitialWeights_YieldToTheFoldersCheckpointOnResume()
    {
        using var scope = NewDisposeScope();
        var data = TinyRun.Data();
        using var finished = FinishedRun(data);
        using var run = TinyRun.Folder();
        var options = TinyRun.Options(run.Path, 5, resume: true) with { InitialWeights = finished.Path };
        using (var second = new TinyNet(2))
        using (var t = TinyRun.Trainer(second, data, options with { Steps = 2 }))
        {
            t.Train();
            Assert.NotNull(t.InitialisedFrom);
        }
        using var resumed = new TinyNet(3);
        using var t3 = TinyRun.Trainer(resumed, data, options);
        Assert.Null(t3.InitialisedFrom);
        Assert.Equal(2, t3.ResumedFrom!.Step);
        Assert.Equal(5, t3.Train().Step);
    }

    [Fact]
    public void InitialWeights_MissingOrMisfitSayWhatToGive()
    {
        using var scope = NewDisposeScope();
        var data = TinyRun.Data();
        using var folder = TinyRun.Folder();
        using var model = new TinyNet(1);
        var missing = Assert.Throws<FileNotFoundException>(() => TinyRun.Trainer(model, data, TinyRun.Options(null, 1) with { InitialWeights = folder.Path }));
        Assert.Contains("trained model folder", missing.Message);
        Assert.Contains(folder.Path, missing.Message);

        string wrong = Path.Combine(folder.Path, "wrong.safetensors");
        Checkpoint.SaveWeights(wrong, new Dictionary<string, Tensor> { ["not.a.layer"] = zeros(3) });
        var misfit = Assert.Throws<InvalidDataException>(() => TinyRun.Trainer(model, data, TinyRun.Options(null, 1) with { InitialWeights = wrong }));
        Assert.Contains("wrong.safetensors", misfit.Message);
        Assert.Contains("not.a.layer", misfit.Message);
    }

    [Fact]
    public void Cancel_StopsAtAStepBoundaryAndLeavesAResumableCheckpoint()
    {
        using var scope = NewDisposeScope();
        var data = TinyRun.Data();
        using var folder = TinyRun.Folder();
        using var cts = new CancellationTokenSource();
        using var model = new TinyNet(1);
        var options = TinyRun.Options(folder.Path, 8);
        var inner = TinyRun.Loss(model);
        int calls = 0;
        TrainingLoss loss = (batch, g) =>
        {
            if (++calls == 3)
            {
                cts.Cancel(); // mid-step: the step still completes
            }
            return inner(batch, g);
        };
        using (var t = new Trainer(model, loss, BatchSources.RandomRows(data, options.BatchSize), options) { ShowProgress = false })
        {
            var r = t.Train(cts.Token);
            Assert.True(r.Cancelled);
            Assert.Equal(3, r.Step);
            Assert.NotNull(r.CheckpointPath);
        }
        var path = Path.Combine(folder.Path, Checkpoint.FileName);
        Assert.Equal(3, Checkpoint.ReadInfo(path).Step);
        Assert.False(File.Exists(Path.Combine(folder.Path, Checkpoint.WeightsFileName)));

        using var resumed = new TinyNet(42);
        using var t2 = TinyRun.Trainer(resumed, data, options with { Resume = true });
        var r2 = t2.Train();
        Assert.False(r2.Cancelled);
        Assert.Equal(8, r2.Step);

        using var straight = new TinyNet(1);
        using var t3 = TinyRun.Trainer(straight, data, TinyRun.Options(null, 8));
        t3.Train();
        AssertSameWeights(straight, resumed);
    }

    [Fact]
    public void CheckpointEvery_WritesAtTheRightSteps()
    {
        using var scope = NewDisposeScope();
        var data = TinyRun.Data();
        using var folder = TinyRun.Folder();
        using var model = new TinyNet(1);
        var log = new StringWriter();
        using var t = TinyRun.Trainer(model, data, TinyRun.Options(folder.Path, 5) with { CheckpointEvery = 2 });
        t.Log = log;
        t.Train();
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // steps 2 and 4, then the end line
        Assert.Contains("step 2/5", lines[0]);
        Assert.Contains("step 4/5", lines[1]);
        Assert.Contains("step 5/5", lines[2]);
    }

    [Fact]
    public void Options_AreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => (TinyRun.Options(null, 5) with { BatchSize = 0 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (TinyRun.Options(null, 5) with { EmaDecay = 1.5 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (TinyRun.Options(null, 5) with { Resume = true }).Validate());
    }

    [Fact]
    public void StepSeed_DependsOnSeedAndStep()
    {
        Assert.Equal(Trainer.StepSeed(3, 10), Trainer.StepSeed(3, 10));
        Assert.NotEqual(Trainer.StepSeed(3, 10), Trainer.StepSeed(3, 11));
        Assert.NotEqual(Trainer.StepSeed(3, 10), Trainer.StepSeed(4, 10));
    }

    [Fact]
    public void FromSequence_SkipsToTheRequestedStep()
    {
        using var scope = NewDisposeScope();
        IEnumerable<Tensor> Items()
        {
            for (int i = 0; i < 5; i++)
            {
                yield return full([1], i);
            }
        }
        var source = BatchSources.FromSequence(Items);
        using var g = new Generator(0);
        Assert.Equal(3.0, source(3, g).ToDouble());
        Assert.Equal(4.0, source(4, g).ToDouble());
        Assert.Equal(0.0, source(5, g).ToDouble()); // a new pass
        Assert.Throws<InvalidOperationException>(() => source(2, g));
    }
}
