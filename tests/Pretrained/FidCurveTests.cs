using Diffusion.Tests.Support;
using Diffusion.Pretrained;
using Xunit;

namespace Diffusion.Tests.Pretrained;

public class FidCurveTests
{
    [Fact]
    public void PointsAreKeptInStepOrderAndAReEvaluationReplacesItsStep()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, FidCurve.FileName);
        Assert.Empty(FidCurve.Load(path));
        FidCurve.Append(path, 2000, new SampleQuality(80.5, 6.7, 1000, "ddim-50", 300));
        FidCurve.Append(path, 1000, new SampleQuality(150.25, 6.7, 1000, "ddim-50", 310));
        FidCurve.Append(path, 2000, new SampleQuality(79.0, 6.7, 1000, "ddim-50", 290));
        var points = FidCurve.Load(path);
        Assert.Equal([1000L, 2000L], points.Select(p => p.Step));
        Assert.Equal(79.0, points[1].Fid);
        Assert.Contains("\"fid_floor\"", File.ReadAllText(path));
    }

    [Fact]
    public void AppendKeepsTheNotesOfOtherPoints()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, FidCurve.FileName);
        File.WriteAllText(path, """[{"step": 1000, "fid": 31.4, "fid_floor": 6.7, "samples": 1000, "sampler": "ddim-50", "sampling_seconds": 700, "written": "2026-12-02T14:41:00Z", "note": "stage 1"}]""");
        FidCurve.Append(path, 2000, new SampleQuality(22.4, 6.7, 1000, "ddim-50", 600));
        var points = FidCurve.Load(path);
        Assert.Equal(new string?[] { "stage 1", null }, points.Select(p => p.Note));
        Assert.Single(File.ReadAllLines(path), line => line.Contains("\"note\"", StringComparison.Ordinal));
    }

    [Fact]
    public void ADamagedFileIsNamed()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, FidCurve.FileName);
        File.WriteAllText(path, "{ not a list");
        var e = Assert.Throws<InvalidDataException>(() => FidCurve.Load(path));
        Assert.StartsWith(path, e.Message);
    }
}
