using Diffusion.Inverse;
using Diffusion.Metrics;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>Choosing λ on validation images only.</summary>
public class TvLambdaSelectionTests(ITestOutputHelper output)
{
    [Fact]
    public void Select_ReturnsTheGridLambdaWithTheBestValidationPsnr()
    {
        using var scope = NewDisposeScope();
        var validation = TvSolverTests.Shapes8();
        var untouched = validation.clone();
        var a = new IdentityOperator();
        var tv = new TotalVariation(TvNorm.Isotropic, DifferenceBoundary.Circular);
        var solver = new AdmmTv(iterations: 40, rho: 2.0);
        double[] grid = [0, 0.05, 0.2, 0.4, 5.0];
        const double sigmaY = 0.4;
        const ulong seed = 7;

        var result = TvLambdaSelection.Select(solver, a, validation, sigmaY, seed, grid, tv);
        output.WriteLine(string.Join(", ", result.Table.Select(r => $"λ {r.Lambda}: {r.Psnr:F3} dB")) + $" → λ {result.BestLambda}");

        Assert.Equal(grid, result.Table.Select(r => r.Lambda).ToArray());
        var best = result.Table.MaxBy(r => r.Psnr)!;
        Assert.Equal(best.Lambda, result.BestLambda);
        Assert.Equal(best.Psnr, result.BestPsnr);
        // Noisy piecewise-constant images: some smoothing beats none and beats flattening everything (on 8×8 images with
        // 2-pixel-wide strokes TV's loss of contrast limits the gain to about 2 dB).
        Assert.NotEqual(0.0, result.BestLambda);
        Assert.NotEqual(5.0, result.BestLambda);
        Assert.True(result.BestPsnr > result.Table[0].Psnr + 1, "TV should gain over the noisy measurement");

        // The table's PSNR is what the caller gets by measuring with the same seed and solving.
        using var generator = new Generator(seed);
        var y = a.Measure(validation, sigmaY, generator);
        var x = solver.Solve(new TvProblem(a, y, result.BestLambda, tv)).X;
        Assert.Equal(result.BestPsnr, TvLambdaSelection.MeanPsnr(x, validation), 10);
        // λ = 0 returns y itself (clamped to [−1, 1] for the PSNR).
        Assert.Equal(TvLambdaSelection.MeanPsnr(y, validation), result.Table[0].Psnr, 6);
        // The validation images are read, not changed; there is no test-set argument to read.
        Assert.Equal(0, (validation - untouched).abs().max().item<double>());
    }

    [Fact]
    public void MeanPsnr_MapsMinusOneToOneImagesToZeroToOne()
    {
        using var scope = NewDisposeScope();
        var reference = zeros([1, 1, 4, 4], ScalarType.Float64);
        var x = full([1, 1, 4, 4], 0.2, ScalarType.Float64);
        // On [−1, 1] an error of 0.2 is 0.1 on [0, 1]: PSNR = 10 log₁₀(1 / 0.01) = 20 dB; on [0, 1] it is 10 log₁₀(1 / 0.04).
        Assert.Equal(20, TvLambdaSelection.MeanPsnr(x, reference, ImageRange.MinusOneToOne), 10);
        Assert.Equal(10 * Math.Log10(25), TvLambdaSelection.MeanPsnr(x, reference, ImageRange.ZeroToOne), 10);
    }

    [Fact]
    public void Select_ThrowsForABadGrid()
    {
        using var scope = NewDisposeScope();
        var images = TvSolverTests.Shapes8();
        var solver = new AdmmTv(2);
        Assert.Throws<ArgumentException>(() => TvLambdaSelection.Select(solver, new IdentityOperator(), images, 0.1, 1, []));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TvLambdaSelection.Select(solver, new IdentityOperator(), images, 0.1, 1, [0.1, -1]));
        Assert.Contains("-1", e.Message);
        Assert.Throws<ArgumentException>(() => TvLambdaSelection.Select(solver, new IdentityOperator(), images.squeeze(1), 0.1, 1, [0.1]));
    }
}
