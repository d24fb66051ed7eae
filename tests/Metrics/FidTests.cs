using Diffusion.Metrics;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Metrics;

public class FidTests
{
    [Theory]
    [InlineData("small", 1e-10)]
    [InlineData("wide", 1e-10)]
    // N < D: both covariances are singular; scipy's sqrtm itself differs by 4e-8 between argument orders here.
    [InlineData("rankdef", 1e-6)]
    public void FrechetDistance_MatchesScipyReference(string name, double relativeTolerance)
    {
        var fixture = Fixture.Load("fid.json");
        using var scope = NewDisposeScope();
        var a = fixture.Tensor($"{name}_a");
        var b = fixture.Tensor($"{name}_b");
        double expected = fixture.Scalar($"{name}_fid");
        double actual = Fid.Compute(a, b);
        Assert.True(Math.Abs(actual - expected) <= relativeTolerance * expected, $"FID {actual} vs scipy {expected}");
    }

    [Fact]
    public void GaussianStatistics_MatchNumpyMeanAndCov()
    {
        var fixture = Fixture.Load("fid.json");
        using var scope = NewDisposeScope();
        using var stats = GaussianStatistics.FromFeatures(fixture.Tensor("small_a"));
        Assert.Equal(ScalarType.Float64, stats.Covariance.dtype);
        Assert.Equal(40, stats.Count);
        TensorAssert.Close(fixture, "small_mu_a", stats.Mean, 1e-12, 1e-12);
        TensorAssert.Close(fixture, "small_cov_a", stats.Covariance, 1e-12, 1e-12);
    }

    [Fact]
    public void Fid_IsZeroForIdenticalSets()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var features = randn([200, 16], ScalarType.Float32, generator: generator);
        Assert.InRange(Fid.Compute(features, features), 0, 1e-8);
        // Rank-deficient covariance (N < D): the clamp keeps rounding from making the root NaN.
        var few = randn([5, 16], ScalarType.Float64, generator: generator);
        Assert.InRange(Fid.Compute(few, few), 0, 1e-8);
    }

    [Fact]
    public void Fid_IsSymmetric()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        var a = randn([300, 10], ScalarType.Float64, generator: generator);
        var b = randn([250, 10], ScalarType.Float64, generator: generator) * 1.5 + 0.2;
        double ab = Fid.Compute(a, b);
        double ba = Fid.Compute(b, a);
        Assert.True(ab > 0.1);
        Assert.Equal(ab, ba, 1e-9);
    }

    [Fact]
    public void FrechetDistance_DiagonalCovariances_MatchClosedForm()
    {
        using var scope = NewDisposeScope();
        double[] va = [0.5, 1, 2, 4, 9];
        double[] vb = [2, 1, 0.25, 4, 1];
        double[] ma = [0, 1, 2, 3, 4];
        double[] mb = [1, 1, 0, 3, 2];
        var covA = diag(tensor(va));
        var covB = diag(tensor(vb));
        double expected = 0;
        for (int i = 0; i < 5; i++)
        {
            // ‖μ_a − μ_b‖² + Σᵢ (√aᵢ − √bᵢ)².
            expected += (ma[i] - mb[i]) * (ma[i] - mb[i]) + Math.Pow(Math.Sqrt(va[i]) - Math.Sqrt(vb[i]), 2);
        }
        double actual = FrechetDistance.Compute(tensor(ma), covA, tensor(mb), covB);
        Assert.Equal(expected, actual, 1e-12);
    }

    [Fact]
    public void SqrtmSymmetric_SquaresBackToTheMatrix()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(12);
        var a = randn([6, 4], ScalarType.Float64, generator: generator);
        var spd = a.matmul(a.t());   // rank 4 of 6: two zero eigenvalues
        var root = FrechetDistance.SqrtmSymmetric(spd);
        Assert.True((root.matmul(root) - spd).abs().max().item<double>() < 1e-10);
    }

    [Fact]
    public void Fid_IsInvariantToACommonShift()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var a = randn([200, 6], ScalarType.Float64, generator: generator);
        var b = randn([200, 6], ScalarType.Float64, generator: generator) * 0.7 + 0.4;
        var shift = randn([1, 6], ScalarType.Float64, generator: generator) * 10;
        Assert.Equal(Fid.Compute(a, b), Fid.Compute(a + shift, b + shift), 1e-9);
    }

    [Fact]
    public void Fid_MeanShiftAddsItsSquaredNorm()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(6);
        var a = randn([100, 4], ScalarType.Float64, generator: generator);
        // Same covariance, mean moved by (1, 2, 0, 0): FID = 5 exactly.
        var b = a + tensor(new double[] { 1, 2, 0, 0 }, [1, 4]);
        Assert.Equal(5, Fid.Compute(a, b), 1e-9);
    }

    [Fact]
    public void Floor_UsesDisjointSetsAndIsSeeded()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        var pool = randn([400, 5], ScalarType.Float64, generator: generator);
        double floor1 = Fid.Floor(pool, 200, 11);
        Assert.Equal(floor1, Fid.Floor(pool, 200, 11), 15);
        Assert.NotEqual(floor1, Fid.Floor(pool, 200, 12));
        // Two independent samples of 200 from N(0, I₅): small but never zero.
        Assert.InRange(floor1, 1e-4, 0.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => Fid.Floor(pool, 201, 0));
    }

    [Fact]
    public void Fid_RejectsMismatchedDimensions_NamingTheShapes()
    {
        using var scope = NewDisposeScope();
        var a = zeros([10, 3], ScalarType.Float64);
        var b = zeros([10, 4], ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => Fid.Compute(a, b));
        Assert.Contains("[10, 3]", e.Message);
        Assert.Contains("[10, 4]", e.Message);
        Assert.Throws<ArgumentException>(() => Fid.Compute(zeros(1, 3), a));
    }
}

[Collection(SerialCollection.Name)]
public class FidMemoryTests
{
    [Fact]
    public void Fid_LeavesNoLiveTensors()
    {
        using var generator = new Generator(9);
        using var a = randn([50, 8], ScalarType.Float32, generator: generator);
        using var b = randn([60, 8], ScalarType.Float32, generator: generator);
        Fid.Compute(a, b);   // a first call may create lazily made state
        long before = LiveTensors.Count();
        Fid.Compute(a, b);
        Fid.Floor(b, 30, 1);
        using (var stats = GaussianStatistics.FromFeatures(a))
        {
            Fid.FromStatistics(stats, stats);
        }
        Assert.Equal(before, LiveTensors.Count());
    }
}
