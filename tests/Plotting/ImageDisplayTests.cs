using Diffusion.Hosting;
using Diffusion.Plotting;
using SixLabors.ImageSharp;
using TorchSharp;
using static Diffusion.Tests.Plotting.ChartJsonAssert;

namespace Diffusion.Tests.Plotting;

[Collection(NotebookStateCollection.Name)]
public class ImageDisplayTests
{
    [Fact]
    public void TensorImage_MimeBundleHasPngHtmlAndText()
    {
        using var images = torch.zeros([5, 1, 4, 6]);
        var picture = Images.Grid(images, nrow: 3, range: (0, 1));
        var bundle = picture.ToMimeBundle();
        using var png = Image.Load(Convert.FromBase64String(bundle["image/png"]));
        // 3 columns x 2 rows of 6x4 images with 2-pixel padding.
        Assert.Equal((3 * 8 + 2, 2 * 6 + 2), (png.Width, png.Height));
        Assert.Equal("TensorImage 5 images [5, 1, 4, 6] (26x14 PNG)", bundle["text/plain"]);
        Assert.Contains("image-rendering:pixelated", bundle["text/html"]);
        Assert.Contains($"width=\"{26 * picture.DisplayScale}\"", bundle["text/html"]);
        Assert.Equal(8, picture.DisplayScale);
    }

    [Fact]
    public void Show_InANotebookDisplaysThePictureOnce()
    {
        var shown = new List<object>();
        var old = NotebookHost.Display;
        NotebookHost.Display = o => { shown.Add(o); return _ => { }; };
        try
        {
            using var image = torch.zeros([1, 3, 2, 2]);
            Images.Show(image);
            var picture = Assert.IsType<TensorImage>(Assert.Single(shown));
            Assert.Equal("1 image [1, 3, 2, 2]", picture.Description);
            Assert.Equal("image/png", NotebookFormatters.TryFormat(picture)!.Keys.Single(k => k == "image/png"));
        }
        finally
        {
            NotebookHost.Display = old;
        }
    }

    [Fact]
    public void ToChart_WrapsThePngAsAnImageTrace()
    {
        using var image = torch.zeros([1, 3, 3]);
        var trace = Trace(Images.Grid(image).ToChart());
        Assert.Equal("image", trace.GetProperty("type").GetString());
        Assert.StartsWith("data:image/png;base64,", trace.GetProperty("source").GetString());
    }
}
