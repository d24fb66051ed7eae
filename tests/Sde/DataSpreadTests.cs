using Diffusion.Data;
using Diffusion.Recipes;
using Diffusion.Sde;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Sde;

public class DataSpreadTests(ITestOutputHelper output)
{
    [Fact]
    public void MaxPairwiseDistance_MatchesBruteForce()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([37, 2, 3], dtype: ScalarType.Float32, generator: new Generator(4).manual_seed(4));
        double brute = 0;
        var flat = x.reshape(37, -1).to(ScalarType.Float64);
        for (int i = 0; i < 37; i++)
        {
            for (int j = i + 1; j < 37; j++)
            {
                brute = Math.Max(brute, (flat[i] - flat[j]).norm().item<double>());
            }
        }
        // Blocks that do and do not divide N.
        Assert.Equal(brute, DataSpread.MaxPairwiseDistance(x), 1e-9);
        Assert.Equal(brute, DataSpread.MaxPairwiseDistance(x, block: 5), 1e-9);
        // Two points: their distance (3-4-5).
        Assert.Equal(5, DataSpread.MaxPairwiseDistance(torch.tensor(new[,] { { 0.0, 0.0 }, { 3.0, 4.0 } })), 12);
        Assert.Contains("[1, 2]", Assert.Throws<ArgumentException>(() => DataSpread.MaxPairwiseDistance(torch.zeros(1, 2))).Message);
    }

    /// <summary>
    /// The σ_max of ncsnpp-mnist is Song and Ermon's rule on its data: the largest distance between two of the 8,000 training
    /// digits in [0, 1] (skipped, with a message, when the npm digits are not installed).
    /// </summary>
    [Fact]
    public void NcsnPpMnistSigmaMax_IsTheLargestPairwiseDistanceOfTheTrainingSplit()
    {
        ImageDataset train;
        try
        {
            train = TrainingData.MnistTrainSplit.Load();
        }
        catch (DataMissingException e)
        {
            output.WriteLine($"skipped: {e.Message}");
            return;
        }
        using (train)
        {
            double spread = DataSpread.MaxPairwiseDistance(train.Images);
            output.WriteLine($"max pairwise distance of the {train.Count} training digits: {spread:F4}");
            Assert.Equal(TrainingConfigs.MnistSigmaMax, Math.Round(spread, 1), 9);
        }
    }
}
