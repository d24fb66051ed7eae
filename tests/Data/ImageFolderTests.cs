using Diffusion.Data;
using Diffusion.IO;
using Diffusion.Tensors;

namespace Diffusion.Tests.Data;

public sealed class ImageFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("image-folder-test").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A grey image whose pixel (x, y) is <c>seed + 10 y + x</c>.</summary>
    private static PngImage Grey(int width, int height, int seed)
    {
        var pixels = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                pixels[y * width + x] = (byte)(seed + 10 * y + x);
            }
        }
        return new PngImage(width, height, 1, pixels);
    }

    private void Save(string relative, PngImage image)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Png.Save(path, image);
    }

    [Fact]
    public void Load_UsesSortedPathsAndClassFolders()
    {
        Save("dog/b.png", Grey(4, 3, 100));
        Save("cat/z.png", Grey(4, 3, 50));
        Save("dog/a.png", Grey(4, 3, 0));
        Save("cat/nested/k.png", Grey(4, 3, 200));
        File.WriteAllText(Path.Combine(_dir, "cat", "notes.txt"), "not an image");
        using var data = ImageFolder.Load(_dir);
        Assert.Equal(new long[] { 4, 1, 3, 4 }, data.Images.Shape);
        Assert.Equal(new[] { "cat", "dog" }, data.ClassNames);
        // Sorted relative paths: cat/nested/k.png, cat/z.png, dog/a.png, dog/b.png.
        Assert.Equal(new long[] { 0, 0, 1, 1 }, data.LabelArray());
        var values = data.Images.ToArray<float>();
        Assert.Equal(new[] { 200 / 255f, 50 / 255f, 0f, 100 / 255f }, new[] { values[0], values[12], values[24], values[36] });
        Assert.Equal((50 + 10 * 2 + 3) / 255f, values[12 + 2 * 4 + 3]);
    }

    [Fact]
    public void Load_FilesInTheRootMeanNoLabels()
    {
        Save("a.png", Grey(2, 2, 0));
        Save("sub/b.png", Grey(2, 2, 0));
        using var data = ImageFolder.Load(_dir);
        Assert.Null(data.Labels);
        Assert.Null(data.ClassNames);
        Assert.Equal(2, data.Count);
    }

    [Fact]
    public void Load_ThrowsNamingBothFilesWhenSizesDiffer()
    {
        Save("a.png", Grey(4, 4, 0));
        Save("b.png", Grey(5, 4, 0));
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(_dir));
        Assert.Contains("a.png is 4x4", e.Message);
        Assert.Contains("b.png is 5x4", e.Message);
        Assert.Contains("size:", e.Message);
    }

    [Fact]
    public void Load_CenterCropsAndResizesToTheGivenSize()
    {
        // 6x4 with a 4x4 center (columns 1..4); a constant image stays constant under bilinear resizing.
        Save("a.png", Grey(6, 4, 0));
        Save("b.png", new PngImage(3, 3, 1, Enumerable.Repeat((byte)51, 9).ToArray()));
        using var data = ImageFolder.Load(_dir, size: 4);
        Assert.Equal(new long[] { 2, 1, 4, 4 }, data.Images.Shape);
        var values = data.Images.ToArray<float>();
        Assert.Equal(1 / 255f, values[0]);          // (x = 1, y = 0) of the original
        Assert.Equal(34 / 255f, values[15]);        // (x = 4, y = 3)
        Assert.All(values[16..], v => Assert.Equal(0.2f, v, 5));
    }

    [Fact]
    public void Load_MixedGreyAndRgbBecomeRgb()
    {
        Save("a.png", new PngImage(1, 1, 3, [10, 20, 30]));
        Save("b.png", new PngImage(1, 1, 1, [40]));
        using var data = ImageFolder.Load(_dir);
        Assert.Equal(new long[] { 2, 3, 1, 1 }, data.Images.Shape);
        Assert.Equal(new[] { 10 / 255f, 20 / 255f, 30 / 255f, 40 / 255f, 40 / 255f, 40 / 255f }, data.Images.ToArray<float>());
        using var grey = ImageFolder.Load(_dir, channels: 1);
        Assert.Equal((0.299f * 10 + 0.587f * 20 + 0.114f * 30) / 255f, grey.Images.ToArray<float>()[0], 6);
    }

    [Fact]
    public void Load_MissingFolderOrNoImagesNamesThePath()
    {
        var missing = Path.Combine(_dir, "missing");
        var e = Assert.Throws<DataMissingException>(() => ImageFolder.Load(missing));
        Assert.Contains(missing, e.Message);
        var empty = Assert.Throws<DataMissingException>(() => ImageFolder.Load(_dir));
        Assert.Contains(_dir, empty.Message);
        Assert.Contains("*.png", empty.Message);
    }
}
