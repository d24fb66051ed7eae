using Diffusion.Hosting;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Hosting;

[Collection(SerialCollection.Name)]
public class CheckTests
{
    private static string Printed(Action check)
    {
        var old = Console.Out;
        var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            check();
        }
        finally
        {
            Console.SetOut(old);
        }
        return writer.ToString();
    }

    [Fact]
    public void Below_PrintsTheClaimAndTheNumbers_WhenItHolds()
    {
        var line = Printed(() => Check.Below(3.2e-9, 1e-6, "posterior matches brute force"));
        Assert.Equal("✓ posterior matches brute force: 3.2E-09 < 1E-06", line.TrimEnd());
    }

    [Fact]
    public void EveryCheck_ThrowsWithTheClaim_WhenItFails()
    {
        var e = Assert.Throws<CheckFailedException>(() => Check.Below(2, 1, "error is small"));
        Assert.Equal("✗ error is small: 2 < 1", e.Message);
        Assert.Throws<CheckFailedException>(() => Check.Above(1, 2, "x"));
        Assert.Throws<CheckFailedException>(() => Check.Between(3, 0, 2, "x"));
        Assert.Throws<CheckFailedException>(() => Check.Near(1.1, 1, 0.05, "x"));
        Assert.Throws<CheckFailedException>(() => Check.Less(2, "a", 1, "b", "x"));
        Assert.Throws<CheckFailedException>(() => Check.That(false, "x"));
    }

    [Fact]
    public void NaN_NeverPasses()
    {
        Assert.Throws<CheckFailedException>(() => Check.Below(double.NaN, 1, "x"));
        Assert.Throws<CheckFailedException>(() => Check.Above(double.NaN, 1, "x"));
        Assert.Throws<CheckFailedException>(() => Check.Between(double.NaN, 0, 1, "x"));
        Assert.Throws<CheckFailedException>(() => Check.Near(double.NaN, 1, 10, "x"));
    }

    [Fact]
    public void Near_AcceptsTheToleranceItself_AndNamesBothValues()
    {
        var line = Printed(() => Check.Near(1.25, 1, 0.25, "variance"));
        Assert.StartsWith("✓ variance: 1.25 vs 1, |difference| 0.25 ≤ 0.25", line);
        Assert.Throws<ArgumentOutOfRangeException>(() => Check.Near(1, 1, -1, "x"));
        Assert.Throws<ArgumentException>(() => Check.That(true, " "));
    }
}
