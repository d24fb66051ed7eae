using Diffusion.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.IO;

public class ImageIOTests
{
    /// <summary>
    /// Largest per-sample error of a round trip: lossless formats (PNG, WebP lossless, BMP) must be exact; a GIF holds a
    /// palette of the picture's own colours, but ImageSharp's encoder snaps colours closer than its colour cache resolves
    /// (measured: 7/255); JPEG at quality 95 stays within 12/255 on these smooth gradients.
    /// </summary>
    private static float Tolerance(string extension) => extension switch
    {
        ".jpg" => 12 / 255f,
        ".gif" => 8 / 255f,
        _ => 0f,
    };

    [Theory]
    [InlineData(".png")]
    [InlineData(".jpg")]
    [InlineData(".webp")]
    [InlineData(".bmp")]
    [InlineData(".gif")]
    public void Decode_ColourRoundTripsInEveryFormat(string extension)
    {
        using var image = TestImages.Colour(9, 7);
        using var t = ImageIO.Decode(TestImages.Encode(image, extension), "colour" + extension);
        Assert.Equal(new long[] { 3, 7, 9 }, t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        var v = t.data<float>().ToArray();
        for (int y = 0; y < 7; y++)
        {
            for (int x = 0; x < 9; x++)
            {
                var p = image[x, y];
                Assert.Equal(p.R / 255f, v[(0 * 63) + (y * 9) + x], Tolerance(extension));
                Assert.Equal(p.G / 255f, v[(1 * 63) + (y * 9) + x], Tolerance(extension));
                Assert.Equal(p.B / 255f, v[(2 * 63) + (y * 9) + x], Tolerance(extension));
            }
        }
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".jpg")]
    [InlineData(".webp")]
    [InlineData(".bmp")]
    [InlineData(".gif")]
    public void Decode_GreyRoundTripsAsOneChannelInEveryFormat(string extension)
    {
        using var image = TestImages.Grey(6, 5, seed: 30);
        using var t = ImageIO.Decode(TestImages.Encode(image, extension, grey: true), "grey" + extension);
        Assert.Equal(new long[] { 1, 5, 6 }, t.shape);
        var v = t.data<float>().ToArray();
        for (int i = 0; i < v.Length; i++)
        {
            Assert.Equal((30 + (10 * (i / 6)) + (i % 6)) / 255f, v[i], Tolerance(extension));
        }
    }

    [Fact]
    public void Decode_DropsAlphaKeepingTheStoredColour()
    {
        using var rgba = new Image<Rgba32>(2, 1);
        rgba[0, 0] = new Rgba32(10, 20, 30, 0);        // fully transparent: the colour is kept, not composited
        rgba[1, 0] = new Rgba32(40, 50, 60, 128);
        using var t = ImageIO.Decode(Png(rgba, PngColorType.RgbWithAlpha), "alpha.png");
        Assert.Equal(new long[] { 3, 1, 2 }, t.shape);
        Assert.Equal(new[] { 10, 40, 20, 50, 30, 60 }.Select(b => b / 255f), t.data<float>().ToArray());

        using var la = new Image<La16>(2, 1);
        la[0, 0] = new La16(70, 0);
        la[1, 0] = new La16(90, 255);
        using var grey = ImageIO.Decode(Png(la, PngColorType.GrayscaleWithAlpha), "grey-alpha.png");
        Assert.Equal(new long[] { 1, 1, 2 }, grey.shape);
        Assert.Equal(new[] { 70 / 255f, 90 / 255f }, grey.data<float>().ToArray());
    }

    [Fact]
    public void Load_ReadsAnySizeFromAFile()
    {
        string dir = Directory.CreateTempSubdirectory("image-io-").FullName;
        try
        {
            foreach (var (w, h) in new[] { (1, 1), (3, 17), (301, 203) })
            {
                var path = Path.Combine(dir, $"{w}x{h}.webp");
                using (var image = TestImages.Colour(w, h))
                {
                    TestImages.Save(image, path);
                }
                using var t = ImageIO.Load(path);
                Assert.Equal(new long[] { 3, h, w }, t.shape);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SavePngThenLoad_RoundTripsGreyAndColourExactly()
    {
        string dir = Directory.CreateTempSubdirectory("image-io-").FullName;
        try
        {
            using var scope = torch.NewDisposeScope();
            var colour = torch.arange(0, 3 * 5 * 4, dtype: ScalarType.Float32).reshape(3, 5, 4).div(255f);
            ImageIO.SavePng(Path.Combine(dir, "colour.png"), colour, range: (0, 1));
            Assert.Equal(colour.data<float>().ToArray(), ImageIO.Load(Path.Combine(dir, "colour.png")).data<float>().ToArray());

            var grey = torch.linspace(-1, 1, 6 * 7).reshape(6, 7);   // [H, W], range (-1, 1)
            ImageIO.SavePng(Path.Combine(dir, "grey.png"), grey);
            Assert.Equal(8, Image.Identify(Path.Combine(dir, "grey.png")).PixelType.BitsPerPixel);
            var back = ImageIO.Load(Path.Combine(dir, "grey.png"));
            Assert.Equal(new long[] { 1, 6, 7 }, back.shape);
            var expected = grey.add(1).mul(127.5).add(0.5).floor().div(255);
            Assert.True(torch.allclose(back, expected.to(ScalarType.Float32), rtol: 0, atol: 1e-6), "grey PNG did not round-trip");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Decode_NamesTheDataAndTheCauseWhenItIsNotASupportedImage()
    {
        var garbage = Assert.Throws<ImageDecodeException>(() => ImageIO.Decode("GIF87 not really"u8.ToArray(), "notes.gif"));
        Assert.Contains("'notes.gif'", garbage.Message);
        Assert.Contains("PNG, JPEG, WebP, BMP or GIF", garbage.Message);
        Assert.Equal("notes.gif", garbage.File);

        Assert.Contains("empty", Assert.Throws<ImageDecodeException>(() => ImageIO.Decode([], "empty.png")).Message);

        // TIFF is a format ImageSharp knows but the course does not read.
        using var image = TestImages.Colour(4, 4);
        using var tiff = new MemoryStream();
        image.Save(tiff, new TiffEncoder());
        Assert.Contains("not a PNG, JPEG", Assert.Throws<ImageDecodeException>(() => ImageIO.Decode(tiff.ToArray(), "scan.tiff")).Message);
    }

    [Fact]
    public void Load_MissingFileNamesIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.png");
        Assert.Contains(path, Assert.Throws<FileNotFoundException>(() => ImageIO.Load(path)).Message);
    }

    [Fact]
    public void Decode_RefusesImagesBeyondTheLimitsBeforeDecoding()
    {
        using var image = TestImages.Colour(8, 6);
        var png = TestImages.Encode(image, ".png");
        var e = Assert.Throws<ImageDecodeException>(() => ImageIO.Decode(png, "big.png", new ImageLimits { MaxSide = 7 }));
        Assert.Contains("8x6", e.Message);
        Assert.Contains("ImageLimits", e.Message);
        Assert.Throws<ImageDecodeException>(() => ImageIO.Decode(png, "big.png", new ImageLimits { MaxPixels = 47 }));
        Assert.Contains("bytes", Assert.Throws<ImageDecodeException>(() => ImageIO.Decode(png, "big.png", new ImageLimits { MaxFileBytes = 10 })).Message);
        using var ok = ImageIO.Decode(png, "ok.png", new ImageLimits { MaxSide = 8, MaxPixels = 48 });
        Assert.Equal(new long[] { 3, 6, 8 }, ok.shape);
    }

    [Fact]
    public void Decode_AnimatedGifGivesItsFirstFrame()
    {
        using var gif = TestImages.Colour(5, 4);
        for (int i = 1; i < 100; i++)
        {
            using var frame = TestImages.Colour(5, 4, seed: i % 50);
            gif.Frames.AddFrame(frame.Frames.RootFrame);
        }
        var bytes = TestImages.Encode(gif, ".gif");
        using var t = ImageIO.Decode(bytes, "animated.gif");
        Assert.Equal(new long[] { 3, 4, 5 }, t.shape);
        Assert.Equal(200 / 255f, t[2, 0, 0].item<float>());   // the first frame's blue at (0, 0)
    }

    [Fact]
    public void Measure_ReadsTheHeaderOnly()
    {
        using var image = TestImages.Grey(11, 3);
        Assert.Equal((11, 3), ImageIO.Measure(TestImages.Encode(image, ".bmp", grey: true)));
    }

    private static byte[] Png(Image image, PngColorType colorType)
    {
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder { ColorType = colorType });
        return stream.ToArray();
    }
}
