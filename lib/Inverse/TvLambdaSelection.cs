using Diffusion.Engine;
using Diffusion.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>One row of <see cref="TvLambdaSelection"/>'s table: λ and the mean validation PSNR it gave.</summary>
public sealed record LambdaScore(double Lambda, double Psnr);

/// <summary>The chosen λ and the whole table (in the grid's order).</summary>
public sealed record LambdaSelectionResult(double BestLambda, double BestPsnr, IReadOnlyList<LambdaScore> Table);

/// <summary>
/// Chooses a TV baseline's λ on a validation set: for each λ of a grid, measure the validation images (y = A x + σ_y n, the noise
/// from a generator seeded with <c>seed</c>, the same y for every λ), reconstruct, and score the mean PSNR; return the best λ.
/// The sweep itself is <see cref="ValidationSweep"/>'s, which serves every method's hyper-parameter.
/// </summary>
/// <remarks>
/// The function sees only the validation images: the test images, on which the chosen λ is then reported, are not an argument,
/// so they cannot leak into the choice. PSNR is measured on [0, 1] (images in [−1, 1] are mapped by (x + 1)/2), after clamping
/// the reconstruction to the images' range, per image and averaged (<see cref="Psnr.Mean"/>). Ties go to the first λ of the grid.
/// </remarks>
public static class TvLambdaSelection
{
    /// <summary>Runs <paramref name="solver"/> for each λ of <paramref name="lambdas"/> on the clean <paramref name="validationImages"/>.</summary>
    /// <param name="solver">The baseline (Adam-TV, HQS-TV, ADMM-TV).</param>
    /// <param name="a">The measurement operator.</param>
    /// <param name="validationImages">Clean validation images [N, C, H, W] in <paramref name="range"/>; never the test images.</param>
    /// <param name="sigmaY">σ_y ≥ 0 on the images' scale.</param>
    /// <param name="seed">The measurement noise's seed.</param>
    /// <param name="lambdas">The grid (non-empty, each λ ≥ 0).</param>
    /// <param name="tv">The regulariser (null: isotropic, Neumann).</param>
    /// <param name="range">The images' range ([−1, 1], the course's convention for inverse problems, or [0, 1]).</param>
    public static LambdaSelectionResult Select(ITvSolver solver, MeasurementOperator a, Tensor validationImages, double sigmaY, ulong seed,
        IEnumerable<double> lambdas, TotalVariation? tv = null, ImageRange range = ImageRange.MinusOneToOne)
    {
        ArgumentNullException.ThrowIfNull(solver);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(validationImages);
        ArgumentNullException.ThrowIfNull(lambdas);
        var grid = lambdas.ToArray();
        if (grid.Length == 0)
        {
            throw new ArgumentException("the λ grid is empty", nameof(lambdas));
        }
        foreach (double lambda in grid)
        {
            if (!(lambda >= 0) || double.IsInfinity(lambda))
            {
                throw new ArgumentOutOfRangeException(nameof(lambdas), lambda, "every λ of the grid must be finite and non-negative");
            }
        }
        if (validationImages.dim() != 4 || validationImages.shape[0] == 0)
        {
            throw new ArgumentException($"expected validation images [N > 0, C, H, W], got {Shapes.Format(validationImages)}", nameof(validationImages));
        }

        var sweep = ValidationSweep.Select(a, validationImages, sigmaY, seed, grid,
            (lambda, y, _) => solver.Solve(new TvProblem(a, y, lambda, tv, validationImages.shape)).X, range);
        return new LambdaSelectionResult(sweep.Best, sweep.BestPsnr, sweep.Table.Select(r => new LambdaScore(r.Value, r.Psnr)).ToList());
    }

    /// <summary>The mean PSNR on [0, 1] of reconstructions <paramref name="x"/> (clamped to <paramref name="range"/>) against <paramref name="reference"/>.</summary>
    public static double MeanPsnr(Tensor x, Tensor reference, ImageRange range = ImageRange.MinusOneToOne)
    {
        using var scope = NewDisposeScope();
        var (low, high) = range == ImageRange.MinusOneToOne ? (-1.0, 1.0) : (0.0, 1.0);
        var x01 = (x.to(ScalarType.Float64).clamp(low, high) - low) / (high - low);
        var r01 = (reference.to(ScalarType.Float64) - low) / (high - low);
        return Psnr.Mean(x01, r01);
    }
}
