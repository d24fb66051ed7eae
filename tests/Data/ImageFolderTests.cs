using Diffusion.Data;
using Diffusion.IO;
using Diffusion.Tests.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Diffusion.Tests.Data;

public sealed class ImageFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("image-folder-test").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Save(string relative, Image image, bool grey = false) => TestImages.Save(image, Path.Combine(_dir, relative), grey);

    [Fact]
    public void Load_UsesSortedPathsAndClassFolders()
    {
        Save("dog/b.png", TestImages.Grey(4, 3, 100), grey: true);
        Save("cat/z.bmp", TestImages.Grey(4, 3, 50), grey: true);
        Save("dog/a.webp", TestImages.Grey(4, 3, 0));
        Save("cat/nested/k.PNG", TestImages.Grey(4, 3, 200));
        File.WriteAllText(Path.Combine(_dir, "cat", "notes.txt"), "not an image");
        using var data = ImageFolder.Load(_dir);
        Assert.Equal(new long[] { 4, 1, 3, 4 }, data.Images.shape);
        Assert.Equal(new[] { "cat", "dog" }, data.ClassNames);
        // Sorted relative paths: cat/nested/k.PNG, cat/z.bmp, dog/a.webp, dog/b.png.
        Assert.Equal(new long[] { 0, 0, 1, 1 }, data.LabelArray());
        var values = data.Images.data<float>().ToArray();
        Assert.Equal(new[] { 200 / 255f, 50 / 255f, 0f, 100 / 255f }, new[] { values[0], values[12], values[24], values[36] });
        Assert.Equal((50 + (10 * 2) + 3) / 255f, values[12 + (2 * 4) + 3]);
    }

    [Fact]
    public void Load_FilesInTheRootMeanNoLabels()
    {
        Save("a.png", TestImages.Grey(2, 2));
        Save("sub/b.jpg", TestImages.Grey(2, 2), grey: true);
        using var data = ImageFolder.Load(_dir);
        Assert.Null(data.Labels);
        Assert.Null(data.ClassNames);
        Assert.Equal(2, data.Count);
    }

    [Fact]
    public void Load_ThrowsNamingBothFilesWhenSizesDiffer()
    {
        Save("a.png", TestImages.Grey(4, 4));
        Save("b.jpeg", TestImages.Grey(5, 4));
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(_dir));
        Assert.Contains("a.png is 4x4", e.Message);
        Assert.Contains("b.jpeg is 5x4", e.Message);
        Assert.Contains("size:", e.Message);
    }

    [Fact]
    public void Load_CentreCropsTheShorterSideWithoutResamplingWhenItAlreadyFits()
    {
        // 6x4 grey: the centre square is columns 1..4; a 4x6 (portrait) one keeps rows 1..4.
        Save("a.png", TestImages.Grey(6, 4));
        Save("b.png", TestImages.Grey(4, 6, seed: 100));
        using var data = ImageFolder.Load(_dir, size: 4);
        Assert.Equal(new long[] { 2, 1, 4, 4 }, data.Images.shape);
        var values = data.Images.data<float>().ToArray();
        Assert.Equal(1 / 255f, values[0]);            // (x = 1, y = 0) of the landscape image
        Assert.Equal(34 / 255f, values[15]);          // (x = 4, y = 3)
        Assert.Equal((100 + 10) / 255f, values[16]);  // (x = 0, y = 1) of the portrait image
    }

    [Theory]
    [InlineData(28)]
    [InlineData(48)]
    [InlineData(256)]
    public void Load_ResizesAnySizeToTheResolution(int size)
    {
        Save("wide.jpg", Constant(300, 200, new Rgb24(51, 102, 153)));
        Save("tall.webp", Constant(31, 77, new Rgb24(51, 102, 153)));
        Save("tiny.bmp", Constant(3, 3, new Rgb24(51, 102, 153)));
        using var data = ImageFolder.Load(_dir, size: size);
        Assert.Equal(new long[] { 3, 3, size, size }, data.Images.shape);
        // A constant picture stays constant under cropping and resampling (JPEG within its rounding).
        var values = data.Images.data<float>().ToArray();
        int plane = size * size;
        for (int i = 0; i < 3; i++)
        {
            for (int ch = 0; ch < 3; ch++)
            {
                float want = (51 * (ch + 1)) / 255f;
                var span = values.AsSpan(((i * 3) + ch) * plane, plane).ToArray();
                Assert.All(span, v => Assert.Equal(want, v, 3 / 255f));
            }
        }
    }

    [Fact]
    public void Load_DownsamplingAveragesInsteadOfPickingPixels()
    {
        // A 64x64 checkerboard of 0 and 255 shrunk to 8x8 must be mid-grey everywhere, not a sample of black or white pixels.
        var board = new Image<L8>(64, 64);
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                board[x, y] = new L8((byte)(((x + y) % 2) * 255));
            }
        }
        Save("board.png", board, grey: true);
        using var data = ImageFolder.Load(_dir, size: 8);
        Assert.All(data.Images.data<float>().ToArray(), v => Assert.Equal(0.5f, v, 0.05f));
    }

    [Fact]
    public void Load_MixedGreyAndColourBecomeColourOrLumaWhenAsked()
    {
        Save("a.png", Constant(1, 1, new Rgb24(10, 20, 30)));
        Save("b.png", TestImages.Grey(1, 1, 40), grey: true);
        using var data = ImageFolder.Load(_dir);
        Assert.Equal(new long[] { 2, 3, 1, 1 }, data.Images.shape);
        Assert.Equal(new[] { 10 / 255f, 20 / 255f, 30 / 255f, 40 / 255f, 40 / 255f, 40 / 255f }, data.Images.data<float>().ToArray());
        using var grey = ImageFolder.Load(_dir, channels: 1);
        var g = grey.Images.data<float>().ToArray();
        Assert.Equal(((0.299f * 10) + (0.587f * 20) + (0.114f * 30)) / 255f, g[0], 1e-6f);
        Assert.Equal(40 / 255f, g[1]);
    }

    [Fact]
    public void Load_LimitTakesTheFirstReadableImages()
    {
        Save("a.png", TestImages.Grey(2, 2, 0));
        File.WriteAllBytes(Path.Combine(_dir, "b.png"), [0x89, (byte)'P', (byte)'N', (byte)'G']);
        Save("c.png", TestImages.Grey(2, 2, 100));
        Save("d.png", TestImages.Grey(2, 2, 200));
        var result = ImageFolder.LoadWithReport(_dir, limit: 2, badImages: BadImagePolicy.Skip);
        using var data = result.Dataset;
        Assert.Equal(2, data.Count);
        Assert.Equal(100 / 255f, data.Images.data<float>().ToArray()[4]);
        Assert.Equal(Path.Combine(_dir, "b.png"), Assert.Single(result.Skipped).Path);
    }

    [Fact]
    public void Load_NoReadableImageNamesTheFolder()
    {
        File.WriteAllBytes(Path.Combine(_dir, "a.jpg"), [1, 2, 3]);
        var e = Assert.Throws<ImageDecodeException>(() => ImageFolder.Load(_dir, badImages: BadImagePolicy.Skip));
        Assert.Contains(_dir, e.Message);
        Assert.Contains("a.jpg", e.Message);
    }

    [Fact]
    public void Load_MissingFolderOrNoImagesNamesThePath()
    {
        var missing = Path.Combine(_dir, "missing");
        var e = Assert.Throws<DataMissingException>(() => ImageFolder.Load(missing));
        Assert.Contains(missing, e.Message);
        var empty = Assert.Throws<DataMissingException>(() => ImageFolder.Load(_dir));
        Assert.Contains(_dir, empty.Message);
        Assert.Contains(".webp", empty.Message);
    }

    [Fact]
    public void Load_RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFolder.Load(_dir, channels: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFolder.Load(_dir, size: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFolder.Load(_dir, limit: 0));
    }

    private static Image<Rgb24> Constant(int width, int height, Rgb24 colour)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = colour;
            }
        }
        return image;
    }
}
