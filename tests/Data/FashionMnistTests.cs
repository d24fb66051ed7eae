using Diffusion.Data;
using Diffusion.Tensors;

namespace Diffusion.Tests.Data;

public sealed class FashionMnistTests
{
    [Fact]
    public void Load_TestSetHasTenThousandImagesAndKnownFirstLabels()
    {
        // environment/setup.sh installs Debian's dataset-fashion-mnist; without it Load fails with the apt command.
        using var data = FashionMnist.Load(train: false);
        Assert.Equal(new long[] { 10_000, 1, 28, 28 }, data.Images.Shape);
        Assert.Equal(new long[] { 9, 2, 1, 1, 6 }, data.LabelArray()[..5]);
        Assert.Equal("Ankle boot", data.ClassNames![9]);
        using var scope = new TensorScope();
        Assert.InRange(data.Images.Min().ToDouble(), 0.0, 0.0);
        Assert.InRange(data.Images.Max().ToDouble(), 1.0, 1.0);
    }

    [Fact]
    public void Load_MissingFolderSaysToInstallTheDebianPackage()
    {
        var folder = Path.Combine(Path.GetTempPath(), "no-fashion-mnist-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<DataMissingException>(() => FashionMnist.Load(train: true, folder));
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains(Path.Combine(folder, "train-images-idx3-ubyte"), e.Message);
    }
}
