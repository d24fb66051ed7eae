using Diffusion.Hosting;
using Diffusion.IO;
using Diffusion.Plotting;
using Diffusion.Tensors;

namespace Diffusion.Tests.Plotting;

[Collection(NotebookStateCollection.Name)]
public class ImageDisplayTests
{
    [Fact]
    public void TensorImage_MimeBundleHasPngHtmlAndText()
    {
        using var scope = new TensorScope();
        var images = Torch.Zeros([5, 1, 4, 6]);
        var picture = Images.Grid(images, nrow: 3, range: (0, 1));
        var bundle = picture.ToMimeBundle();
        var png = Png.Decode(Convert.FromBase64String(bundle["image/png"]));
        // 3 columns x 2 rows of 6x4 images with 2-pixel padding
        Assert.Equal((3 * 8 + 2, 2 * 6 + 2), (png.Width, png.Height));
        Assert.Equal("TensorImage 5 images [5, 1, 4, 6] (26x14 PNG)", bundle["text/plain"]);
        Assert.Contains("image-rendering:pixelated", bundle["text/html"]);
        Assert.Contains($"width=\"{26 * picture.DisplayScale}\"", bundle["text/html"]);
        Assert.True(picture.DisplayScale > 1);
    }

    [Fact]
    public void Show_InNotebookDisplaysOnce()
    {
        var shown = new List<object>();
        var old = NotebookHost.Display;
        NotebookHost.Display = o => { shown.Add(o); return _ => { }; };
        try
        {
            using var img = Torch.Zeros([1, 3, 2, 2]);
            Images.Show(img);
            var picture = Assert.IsType<TensorImage>(Assert.Single(shown));
            Assert.Equal("1 image [1, 3, 2, 2]", picture.Description);
        }
        finally
        {
            NotebookHost.Display = old;
        }
    }

    [Fact]
    public void ToFigure_WrapsThePngAsAnImageTrace()
    {
        using var img = Torch.Zeros([1, 3, 3]);
        var fig = Images.Grid(img).ToFigure();
        Assert.Equal("image", Assert.Single(fig.Traces).Type);
    }
}
