using Diffusion.Data;
using Diffusion.IO;
using Diffusion.Plotting;
using Diffusion.Tests.Support;
using TorchSharp;

namespace Diffusion.Tests.IO;

/// <summary>Image and figure code called in a loop leaves no native tensor behind (its temporaries live in dispose scopes).</summary>
[Collection(SerialCollection.Name)]
public sealed class ImageMemoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("image-memory-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ImagesAndFigures_HoldAFlatLiveTensorCount()
    {
        using var images = torch.rand(6, 3, 12, 10);
        using var points = torch.randn(50, 2);
        using (var picture = TestImages.Colour(9, 7))
        {
            TestImages.Save(picture, Path.Combine(_dir, "a", "x.png"));
            TestImages.Save(picture, Path.Combine(_dir, "b", "y.jpg"));
        }
        void Round()
        {
            ImageGrid.ToPng(images, nrow: 4);
            ImageIO.SavePng(Path.Combine(_dir, "one.png"), images[0], range: (0, 1));
            ImageIO.Load(Path.Combine(_dir, "one.png")).Dispose();
            ImageIO.ToImage(images[1]).Dispose();
            Figures.ImageGrid(images);
            Figures.Points(points);
            Figures.ScoreField(x => x.neg(), -1, 1, gridSize: 4);
            Images.Grid(images);
            ImageFolder.Load(_dir, size: 8).Dispose();
        }
        Round();   // warm-up: lazily created state
        long before = LiveTensors.Count();
        for (int i = 0; i < 10; i++)
        {
            Round();
        }
        Assert.Equal(before, LiveTensors.Count());
    }
}
