using Diffusion.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.IO;

public class ImageGridTests
{
    [Fact]
    public void ToImage_LaysOutImagesLikeMakeGrid()
    {
        using var scope = torch.NewDisposeScope();
        // 5 grey 2x3 images, image k filled with value k/4 in range (0, 1).
        var values = new float[5 * 2 * 3];
        for (int k = 0; k < 5; k++)
        {
            Array.Fill(values, k / 4f, k * 6, 6);
        }
        using var grid = Assert.IsType<Image<L8>>(ImageGrid.ToImage(torch.tensor(values, [5, 1, 2, 3]), nrow: 3, padding: 1, range: (0, 1)));

        // make_grid: 3 columns, 2 rows; width 3*(3+1)+1 = 13, height 2*(2+1)+1 = 7.
        Assert.Equal((13, 7), (grid.Width, grid.Height));
        Assert.Equal(0, grid[0, 0].PackedValue);
        Assert.Equal(0, grid[1, 1].PackedValue);            // image 0 is black
        Assert.Equal(64, grid[5, 1].PackedValue);           // image 1: floor(255 / 4 + 0.5) = 64
        Assert.Equal(128, grid[9, 2].PackedValue);          // image 2: floor(127.5 + 0.5) = 128
        Assert.Equal(191, grid[1, 4].PackedValue);          // image 3, second row
        Assert.Equal(255, grid[7, 5].PackedValue);          // image 4
        Assert.Equal(0, grid[4, 5].PackedValue);            // padding between images 3 and 4
        Assert.Equal(0, grid[10, 5].PackedValue);           // the empty sixth cell stays black
    }

    [Fact]
    public void ToImage_ClampsScalesAndKeepsChannelOrder()
    {
        // One RGB 1x2 image in [-1, 1]: pixel 0 = (-1, 0, 1), pixel 1 = (-5, 5, NaN).
        using var image = torch.tensor(new float[] { -1, -5, 0, 5, 1, float.NaN }, [3, 1, 2]);
        using var rgb = Assert.IsType<Image<Rgb24>>(ImageIO.ToImage(image));
        Assert.Equal((2, 1), (rgb.Width, rgb.Height));
        Assert.Equal(new Rgb24(0, 128, 255), rgb[0, 0]);
        Assert.Equal(new Rgb24(0, 255, 0), rgb[1, 0]);
    }

    [Fact]
    public void ToPng_DecodesToTheSameGrid()
    {
        using var scope = torch.NewDisposeScope();
        var images = torch.randn([10, 3, 28, 28], dtype: ScalarType.Float64, generator: new torch.Generator(3));
        using var expected = Assert.IsType<Image<Rgb24>>(ImageGrid.ToImage(images));
        using var decoded = Image.Load<Rgb24>(ImageGrid.ToPng(images));
        Assert.Equal((8 * 30 + 2, 2 * 30 + 2), (decoded.Width, decoded.Height));
        Assert.Equal(Pixels(expected), Pixels(decoded));
    }

    [Fact]
    public void ToImage_AcceptsTwoDimensionalImagesOnAnyDtype()
    {
        using var image = torch.tensor(new double[] { 0, 1, 0.5, 0.25 }, [2, 2]);
        using var grid = Assert.IsType<Image<L8>>(ImageGrid.ToImage(image, padding: 0, range: (0, 1)));
        Assert.Equal(new byte[] { 0, 255, 128, 64 }, new[] { grid[0, 0].PackedValue, grid[1, 0].PackedValue, grid[0, 1].PackedValue, grid[1, 1].PackedValue });
    }

    [Fact]
    public void ToImage_ThrowsForUnsupportedShapesChannelsAndRanges()
    {
        using var four = torch.zeros([2, 4, 5, 5]);
        Assert.Contains("1 or 3 channels", Assert.Throws<ArgumentException>(() => ImageGrid.ToImage(four)).Message);
        using var flat = torch.zeros([5]);
        Assert.Contains("[5]", Assert.Throws<ArgumentException>(() => ImageGrid.ToImage(flat)).Message);
        using var empty = torch.zeros([0, 1, 5, 5]);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => ImageGrid.ToImage(empty)).Message);
        using var ok = torch.zeros([1, 1, 2, 2]);
        Assert.Contains("High > Low", Assert.Throws<ArgumentException>(() => ImageGrid.ToImage(ok, range: (1, 1))).Message);
    }

    [Fact]
    public void Save_WritesAGreyPngAtomically()
    {
        string dir = Directory.CreateTempSubdirectory("grid-test").FullName;
        try
        {
            string path = Path.Combine(dir, "samples.png");
            using var zeros = torch.zeros([4, 1, 8, 8]);
            ImageGrid.Save(path, zeros, nrow: 2);
            Assert.Equal(new[] { "samples.png" }, Directory.GetFiles(dir).Select(Path.GetFileName));   // no temporary file left
            var info = Image.Identify(path);
            Assert.Equal((22, 22, 8), (info.Width, info.Height, info.PixelType.BitsPerPixel));    // grey stays 8-bit grey
            using var image = Image.Load<L8>(path);
            Assert.Equal(0, image[0, 0].PackedValue);       // padding is black
            Assert.Equal(128, image[2, 2].PackedValue);     // zero in (-1, 1) is mid-grey
            Assert.Equal(128, image[19, 19].PackedValue);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static byte[] Pixels(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }
}
