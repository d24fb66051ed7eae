using Diffusion.Metrics;
using Diffusion.Tensors;
using Diffusion.Tests.Support;

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
        using var scope = new TensorScope();
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
        using var scope = new TensorScope();
        using var stats = GaussianStatistics.FromFeatures(fixture.Tensor("small_a"));
        Assert.Equal(DType.Float64, stats.Covariance.DType);
        Assert.Equal(40, stats.Count);
        TensorAssert.Close(fixture, "small_mu_a", stats.Mean, 1e-12, 1e-12);
        TensorAssert.Close(fixture, "small_cov_a", stats.Covariance, 1e-12, 1e-12);
    }

    [Fact]
    public void Fid_IsZeroForIdenticalSets()
    {
        using var scope = new TensorScope();
        using var generator = new Generator(3);
        var features = Torch.Randn([200, 16], DType.Float32, generator: generator);
        Assert.InRange(Fid.Compute(features, features), 0, 1e-8);
        // Rank-deficient covariance (N < D): the clamp keeps rounding from making the root NaN.
        var few = Torch.Randn([5, 16], DType.Float64, generator: generator);
        Assert.InRange(Fid.Compute(few, few), 0, 1e-8);
    }

    [Fact]
    public void Fid_IsSymmetric()
    {
        using var scope = new TensorScope();
        using var generator = new Generator(4);
        var a = Torch.Randn([300, 10], DType.Float64, generator: generator);
        var b = Torch.Randn([250, 10], DType.Float64, generator: generator) * 1.5 + 0.2;
        double ab = Fid.Compute(a, b);
        double ba = Fid.Compute(b, a);
        Assert.True(ab > 0.1);
        Assert.Equal(ab, ba, 1e-9);
    }

    [Fact]
    public void FrechetDistance_DiagonalCovariances_MatchClosedForm()
    {
        using var scope = new TensorScope();
        double[] va = [0.5, 1, 2, 4, 9];
        double[] vb = [2, 1, 0.25, 4, 1];
        double[] ma = [0, 1, 2, 3, 4];
        double[] mb = [1, 1, 0, 3, 2];
        var covA = Torch.Eye(5, DType.Float64) * Torch.FromArray(va, 1, 5);
        var covB = Torch.Eye(5, DType.Float64) * Torch.FromArray(vb, 1, 5);
        double expected = 0;
        for (int i = 0; i < 5; i++)
        {
            // ‖μ_a − μ_b‖² + Σᵢ (√aᵢ − √bᵢ)².
            expected += (ma[i] - mb[i]) * (ma[i] - mb[i]) + Math.Pow(Math.Sqrt(va[i]) - Math.Sqrt(vb[i]), 2);
        }
        double actual = FrechetDistance.Compute(Torch.FromArray(ma, 5), covA, Torch.FromArray(mb, 5), covB);
        Assert.Equal(expected, actual, 1e-12);
    }

    [Fact]
    public void Fid_IsInvariantToACommonShift()
    {
        using var scope = new TensorScope();
        using var generator = new Generator(5);
        var a = Torch.Randn([200, 6], DType.Float64, generator: generator);
        var b = Torch.Randn([200, 6], DType.Float64, generator: generator) * 0.7 + 0.4;
        var shift = Torch.Randn([1, 6], DType.Float64, generator: generator) * 10;
        Assert.Equal(Fid.Compute(a, b), Fid.Compute(a + shift, b + shift), 1e-9);
    }

    [Fact]
    public void Fid_MeanShiftAddsItsSquaredNorm()
    {
        using var scope = new TensorScope();
        using var generator = new Generator(6);
        var a = Torch.Randn([100, 4], DType.Float64, generator: generator);
        // Same covariance, mean moved by (1, 2, 0, 0): FID = 5 exactly.
        var b = a + Torch.FromArray(new double[] { 1, 2, 0, 0 }, 1, 4);
        Assert.Equal(5, Fid.Compute(a, b), 1e-9);
    }

    [Fact]
    public void Floor_UsesDisjointSetsAndIsSeeded()
    {
        using var scope = new TensorScope();
        using var generator = new Generator(7);
        var pool = Torch.Randn([400, 5], DType.Float64, generator: generator);
        double floor1 = Fid.Floor(pool, 200, 11);
        Assert.Equal(floor1, Fid.Floor(pool, 200, 11), 15);
        Assert.NotEqual(floor1, Fid.Floor(pool, 200, 12));
        // Two independent samples of 200 from N(0, I₅): small but never zero.
        Assert.InRange(floor1, 1e-4, 0.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => Fid.Floor(pool, 201, 0));
    }

    [Fact]
    public void Fid_RejectsMismatchedDimensions()
    {
        using var scope = new TensorScope();
        var a = Torch.Zeros([10, 3], DType.Float64);
        var b = Torch.Zeros([10, 4], DType.Float64);
        Assert.Throws<ArgumentException>(() => Fid.Compute(a, b));
        Assert.Throws<ArgumentException>(() => Fid.Compute(Torch.Zeros([1, 3]), a));
    }
}

[Collection(SerialCollection.Name)]
public class FidMemoryTests
{
    [Fact]
    public void Fid_LeavesNoLiveTensors()
    {
        using var generator = new Generator(9);
        using var a = Torch.Randn([50, 8], DType.Float32, generator: generator);
        using var b = Torch.Randn([60, 8], DType.Float32, generator: generator);
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
