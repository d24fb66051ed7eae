using Diffusion.Hosting;
using Diffusion.Plotting;
using Diffusion.Tests.Plotting;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Diffusion.Tests.Hosting;

[Collection(NotebookStateCollection.Name)]
public class NotebookFormattersTests
{
    private class Animal
    {
        public override string ToString() => "an animal";
    }

    private class Dog : Animal;

    private sealed class Puppy : Dog;

    private interface ISpeaks;

    private sealed class Parrot : ISpeaks;

    private sealed class SelfRendering
    {
        public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string> { ["text/markdown"] = "**hi**" };

        public override string ToString() => "self-rendering";
    }

    private sealed class Broken
    {
        public IReadOnlyDictionary<string, string> ToMimeBundle() => throw new InvalidOperationException("cannot render");
    }

    [Fact]
    public void TryFormat_DrawsAnyPlotlyNetChartOffline()
    {
        PlotlyBundle.ResetNotebook();
        try
        {
            // Not a course helper: any chart a student builds with Plotly.NET.
            var pie = CSharpChart.Pie<double, string, string>([1.0, 2], Labels: new[] { "a", "b" });
            var bundle = NotebookFormatters.TryFormat(pie)!;
            Assert.Null(NotebookFormatters.BuiltInsUnavailable);
            Assert.Equal("Chart: 1 trace (pie), 600x600", bundle["text/plain"]);
            Assert.Contains(MimeOutputTests.BundleMarker, bundle["text/html"]);
            Assert.Contains("\"type\":\"pie\"", bundle["text/html"]);
        }
        finally
        {
            PlotlyBundle.ResetNotebook();
        }
    }

    [Fact]
    public void TryFormat_UsesTheMostSpecificRegisteredType()
    {
        NotebookFormatters.Register<Animal>(a => new Dictionary<string, string> { ["text/html"] = "<i>animal</i>" });
        NotebookFormatters.Register<Dog>(d => new Dictionary<string, string> { ["text/html"] = "<b>dog</b>" });
        Assert.Equal("<b>dog</b>", NotebookFormatters.TryFormat(new Puppy())!["text/html"]);
        Assert.Equal("<b>dog</b>", NotebookFormatters.TryFormat(new Dog())!["text/html"]);
        Assert.Equal("<i>animal</i>", NotebookFormatters.TryFormat(new Animal())!["text/html"]);
        // text/plain comes from ToString() when the formatter gives none.
        Assert.Equal("an animal", NotebookFormatters.TryFormat(new Puppy())!["text/plain"]);

        NotebookFormatters.Register<Dog>(d => new Dictionary<string, string> { ["text/plain"] = "woof" });
        Assert.Equal("woof", Assert.Single(NotebookFormatters.TryFormat(new Puppy())!).Value);
    }

    [Fact]
    public void TryFormat_FallsBackToInterfacesThenToMimeBundleThenNull()
    {
        NotebookFormatters.Register<ISpeaks>(_ => new Dictionary<string, string> { ["text/plain"] = "squawk" });
        Assert.Equal("squawk", NotebookFormatters.TryFormat(new Parrot())!["text/plain"]);

        var own = NotebookFormatters.TryFormat(new SelfRendering())!;
        Assert.Equal("**hi**", own["text/markdown"]);
        Assert.Equal("self-rendering", own["text/plain"]);

        Assert.Null(NotebookFormatters.TryFormat(new object()));
        Assert.Null(NotebookFormatters.TryFormat(42));
        Assert.Null(NotebookFormatters.TryFormat(null!));
        Assert.Equal("cannot render", Assert.Throws<InvalidOperationException>(() => NotebookFormatters.TryFormat(new Broken())).Message);
    }
}
