using Diffusion.IO;
using Diffusion.Tensors;

namespace Diffusion.Tests.IO;

public class ImageGridTests
{
    [Fact]
    public void ToImage_LaysOutImagesLikeMakeGrid()
    {
        using var scope = new TensorScope();
        // 5 grey 2x3 images, image k filled with value k/4 in range (0, 1).
        var values = new float[5 * 2 * 3];
        for (int k = 0; k < 5; k++)
        {
            Array.Fill(values, k / 4f, k * 6, 6);
        }
        var images = Torch.FromArray(values, 5, 1, 2, 3);
        var grid = ImageGrid.ToImage(images, nrow: 3, padding: 1, range: (0, 1));

        // make_grid: 3 columns, 2 rows; width 3*(3+1)+1 = 13, height 2*(2+1)+1 = 7.
        Assert.Equal(13, grid.Width);
        Assert.Equal(7, grid.Height);
        Assert.Equal(1, grid.Channels);
        Assert.Equal(0, grid[0, 0]);
        Assert.Equal(0, grid[1, 1]);            // image 0 is black
        Assert.Equal(64, grid[5, 1]);           // image 1: round(255 / 4) = 64
        Assert.Equal(128, grid[9, 2]);          // image 2: round(127.5) = 128
        Assert.Equal(191, grid[1, 4]);          // image 3, second row
        Assert.Equal(255, grid[7, 5]);          // image 4
        Assert.Equal(0, grid[4, 5]);            // padding between images 3 and 4
        Assert.Equal(0, grid[10, 5]);           // the empty sixth cell stays black
    }

    [Fact]
    public void ToImage_ClampsScalesAndKeepsChannelOrder()
    {
        using var scope = new TensorScope();
        // One RGB 1x2 image in [-1, 1]: pixel 0 = (-1, 0, 1), pixel 1 = (-5, 5, NaN).
        var image = Torch.FromArray(new float[] { -1, -5, 0, 5, 1, float.NaN }, 3, 1, 2);
        var png = ImageIO.ToImage(image);
        Assert.Equal(new byte[] { 0, 128, 255, 0, 255, 0 }, png.Pixels);
        Assert.Equal(2, png.Width);
        Assert.Equal(1, png.Height);
    }

    [Fact]
    public void ToPng_DecodesToTheSameGrid()
    {
        using var scope = new TensorScope();
        Torch.ManualSeed(3);
        var images = Torch.Randn([10, 3, 28, 28], DType.Float64);
        var png = ImageGrid.ToPng(images);
        var decoded = Png.Decode(png);
        Assert.Equal(ImageGrid.ToImage(images), decoded); // PngImage compares pixels by value
        Assert.Equal(8 * 30 + 2, decoded.Width);
        Assert.Equal(2 * 30 + 2, decoded.Height);
        Assert.Equal(3, decoded.Channels);
    }

    [Fact]
    public void ToImage_AcceptsTwoDimensionalImages()
    {
        using var scope = new TensorScope();
        var image = Torch.FromArray(new float[] { 0, 1, 0.5f, 0.25f }, 2, 2);
        var png = ImageGrid.ToImage(image, padding: 0, range: (0, 1));
        Assert.Equal(new byte[] { 0, 255, 128, 64 }, png.Pixels);
    }

    [Fact]
    public void ToImage_ThrowsForUnsupportedChannelCounts()
    {
        using var scope = new TensorScope();
        var e = Assert.Throws<ArgumentException>(() => ImageGrid.ToImage(Torch.Zeros([2, 4, 5, 5])));
        Assert.Contains("1 or 3 channels", e.Message);
    }

    [Fact]
    public void ToTensor_GivesChannelsFirstInUnitRange()
    {
        var image = new PngImage(2, 1, 3, [0, 51, 255, 102, 153, 204]);
        using var t = ImageIO.ToTensor(image);
        Assert.Equal(new long[] { 3, 1, 2 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        var v = t.ToArray<float>();
        float[] want = [0f, 0.4f, 0.2f, 0.6f, 1f, 0.8f];
        for (int i = 0; i < want.Length; i++)
        {
            Assert.Equal(want[i], v[i], 1e-6f);
        }
    }

    [Fact]
    public void ToTensorThenToImage_RoundTrips()
    {
        var pixels = PngTests.Gradient(7, 5, 3);
        var image = new PngImage(7, 5, 3, pixels);
        using var t = ImageIO.ToTensor(image);
        Assert.Equal(pixels, ImageIO.ToImage(t, (0, 1)).Pixels);
    }

    [Fact]
    public void Save_WritesAPngFile()
    {
        using var scope = new TensorScope();
        string dir = Directory.CreateTempSubdirectory("grid-test").FullName;
        try
        {
            string path = Path.Combine(dir, "samples.png");
            ImageGrid.Save(path, Torch.Zeros([4, 1, 8, 8]), nrow: 2);
            var image = Png.Load(path);
            Assert.Equal((22, 22, 1), (image.Width, image.Height, image.Channels));
            Assert.Equal(0, image[0, 0]);       // padding is black
            Assert.Equal(128, image[2, 2]);     // zero in (-1, 1) is mid-grey
            Assert.Equal(128, image[19, 19]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
