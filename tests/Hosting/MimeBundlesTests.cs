using Diffusion.Hosting;

namespace Diffusion.Tests.Hosting;

public class MimeBundlesTests
{
    private sealed class Rich(Dictionary<string, string> bundle)
    {
        public IReadOnlyDictionary<string, string> ToMimeBundle() => bundle;

        public override string ToString() => "rich";
    }

    [Fact]
    public void HasBundle_TellsSelfRenderingTypes()
    {
        Assert.True(MimeBundles.HasBundle(typeof(Rich)));
        Assert.False(MimeBundles.HasBundle(typeof(string)));
    }

    [Theory]
    [InlineData("text/html", "<i>h</i>", "<i>h</i>")]
    [InlineData("image/svg+xml", "<svg/>", "<svg/>")]
    [InlineData("image/png", "iVBOR", "<img src=\"data:image/png;base64,iVBOR\" />")]
    [InlineData("text/markdown", "a < b", "<pre>a &lt; b</pre>")]
    public void ToHtml_ShowsTheRichestEntry(string mime, string data, string html) =>
        Assert.Equal(html, MimeBundles.ToHtml(new Dictionary<string, string> { [mime] = data, ["text/plain"] = "p" }));
}
