using Diffusion.Data;
using Diffusion.Score;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Score;

public class DenoisingScoreMatchingTrainingTests
{
    [Fact]
    public void Train_LowersTheLossOnTheSwissRoll()
    {
        // The loss on a fixed evaluation set (the 2,000 points, one σ and z each): a zero score leaves ½‖z‖² ≈ d/2 = 1,
        // the freshly initialised MLP about the same; 400 steps bring it to about 0.79 (measured over three seeds).
        using var scope = torch.NewDisposeScope();
        var data = SwissRoll.Sample(2000, seed: 1);
        var dsm = new DenoisingScoreMatching(0.05, 1.0);
        using var g = new torch.Generator(3);
        var sigma = dsm.SampleSigmas(2000, g);
        var z = torch.randn([2000, 2], generator: g);
        var model = new SwissRollMlp();
        double Evaluate()
        {
            using var noGrad = torch.no_grad();
            return dsm.Loss(model.call, data, sigma, z).item<float>();
        }
        double before = Evaluate();
        var losses = dsm.Train(model, data, steps: 400, batchSize: 256, learningRate: 3e-3, seed: 2, showProgress: false);
        double after = Evaluate();
        Assert.Equal(400, losses.Length);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(after < 0.85 && after < before - 0.1, $"evaluation loss went from {before:F3} to {after:F3}");
        Assert.False(model.training);
    }

    [Fact]
    public void Train_FirstLoss_IsLossOnTheRowsDrawnFromTheSameSeed()
    {
        // Train draws the rows, then σ, then z from one generator: its first loss (before any update) is Loss on those rows.
        using var scope = torch.NewDisposeScope();
        var data = SwissRoll.Sample(300, seed: 4);
        var dsm = new DenoisingScoreMatching(0.05, 1.0);
        var model = new SwissRollMlp();
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var losses = dsm.Train(model, data, steps: 1, batchSize: 64, seed: 7, showProgress: false);

        var reference = new SwissRollMlp();
        reference.load_state_dict(before);
        using var g = new torch.Generator(7);
        var rows = torch.randint(0, 300, [64], dtype: int64, generator: g);
        double expected = dsm.Loss(reference.call, data.index_select(0, rows), g).item<float>();
        Assert.Equal(expected, losses[0], 5);
    }

    [Fact]
    public void Train_SameSeedAndInitialWeights_GiveTheSameLosses()
    {
        using var scope = torch.NewDisposeScope();
        var data = SwissRoll.Sample(500, seed: 5);
        var dsm = new DenoisingScoreMatching(0.05, 1.0);
        var a = new SwissRollMlp();
        var b = new SwissRollMlp();
        b.load_state_dict(a.state_dict());
        var la = dsm.Train(a, data, steps: 30, batchSize: 128, seed: 3, showProgress: false);
        var lb = dsm.Train(b, data, steps: 30, batchSize: 128, seed: 3, showProgress: false);
        Assert.Equal(la, lb);
    }

    [Fact]
    public void Train_RejectsBadInput()
    {
        using var scope = torch.NewDisposeScope();
        var dsm = new DenoisingScoreMatching(0.05, 1.0);
        var model = new SwissRollMlp();
        var e = Assert.Throws<ArgumentException>(() => dsm.Train(model, torch.zeros([10, 2, 1]), steps: 1, showProgress: false));
        Assert.Contains("[10, 2, 1]", e.Message);
        // A model built for 2-D points on 3-D data: the message names the batch's shape, not a libtorch stack.
        e = Assert.Throws<ArgumentException>(() => dsm.Train(model, torch.zeros([10, 3]), steps: 1, batchSize: 4, showProgress: false));
        Assert.Contains("[4, 3]", e.Message);
        Assert.DoesNotContain("frame #", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => dsm.Train(model, torch.zeros([10, 2]), steps: 0, showProgress: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DenoisingScoreMatching(1.0, 0.5));
    }
}

[Collection(SerialCollection.Name)]
public sealed class DenoisingScoreMatchingMemoryTests
{
    [Fact]
    public void Train_OfAThousandSteps_HoldsAFlatLiveTensorCount()
    {
        using var data = SwissRoll.Sample(1000, seed: 1);
        using var model = new SwissRollMlp();
        var dsm = new DenoisingScoreMatching(0.05, 1.0);
        long before = LiveTensors.Count();
        var during = new List<long>();
        var losses = dsm.Train(model, data, steps: 1000, batchSize: 128, seed: 1, showProgress: false, observer: (step, loss) =>
        {
            if (step == 1 || step % 100 == 0)
            {
                during.Add(LiveTensors.Count());
            }
        });
        Assert.Equal(1000, losses.Length);
        Assert.Equal(11, during.Count);
        // Between steps the loop holds only its own buffers (rows, σ, z) and Adam's two moments per parameter, made before
        // the first step: the same count at step 1 and at step 1000.
        Assert.All(during, c => Assert.Equal(during[0], c));
        Assert.Equal(3 + 2 * model.parameters().Count(), during[0] - before);
        Assert.Equal(before, LiveTensors.Count());
    }
}
