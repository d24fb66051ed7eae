using Diffusion.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Data;

public sealed class FashionMnistTests
{
    [SkippableFact]
    public void Load_TestSetHasTenThousandImagesAndKnownFirstLabels()
    {
        // environment/setup-dev.sh installs Debian's dataset-fashion-mnist; without it the test skips (fails under CI=true).
        Support.HostTool.RequireFashionMnist();
        using var data = FashionMnist.Load(train: false);
        Assert.Equal(new long[] { 10_000, 1, 28, 28 }, data.Images.shape);
        Assert.Equal(new long[] { 9, 2, 1, 1, 6 }, data.LabelArray()[..5]);
        Assert.Equal("Ankle boot", data.ClassNames![9]);
        using var scope = torch.NewDisposeScope();
        Assert.Equal(0f, data.Images.min().item<float>());
        Assert.Equal(1f, data.Images.max().item<float>());
    }

    [Fact]
    public void Load_MissingFolderSaysWhereToGetTheFiles()
    {
        var folder = Path.Combine(Path.GetTempPath(), "no-fashion-mnist-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<DataMissingException>(() => FashionMnist.Load(train: true, folder));
        Assert.Contains("setup --fashion-mnist FOLDER", e.Message);
        Assert.Contains("apt install dataset-fashion-mnist", e.Message);
        Assert.Contains(Path.Combine(folder, "train-images-idx3-ubyte"), e.Message);
    }
}
