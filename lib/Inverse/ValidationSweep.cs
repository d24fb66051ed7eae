using Diffusion.Engine;
using Diffusion.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>One grid point of a <see cref="ValidationSweep"/>: the hyper-parameter and the mean validation PSNR it gave.</summary>
public sealed record SweepScore<T>(T Value, double Psnr);

/// <summary>The chosen value of a <see cref="ValidationSweep"/> and the whole table, in the grid's order (what a notebook plots).</summary>
public sealed record SweepResult<T>(T Best, double BestPsnr, IReadOnlyList<SweepScore<T>> Table);

/// <summary>
/// Chooses a hyper-parameter of any reconstruction (TV's λ, DPS's ζ, SDEdit's t0 or data-fidelity weight, ScoreALD's step) on
/// validation images: measure them once (y = A x + σ_y n, the noise from a generator seeded <c>seed</c>, the same y for every value),
/// reconstruct with each value of the grid, score the mean PSNR, return the best value.
/// </summary>
/// <remarks>
/// The function sees only the validation images, so the test images on which the chosen value is then reported cannot leak into the
/// choice. Each value's reconstruction gets its own generator seeded <c>seed + 1</c>, so a sampler draws the same noise for every
/// value (common random numbers: the table's differences come from the value, not from the draws). PSNR is measured on [0, 1]
/// (images in [−1, 1] mapped by (x + 1)/2) after clamping the reconstruction to the images' range, per image and averaged
/// (<see cref="TvLambdaSelection.MeanPsnr"/>). Ties go to the first value of the grid.
/// </remarks>
public static class ValidationSweep
{
    /// <summary>Runs <paramref name="reconstruct"/> for each value of <paramref name="grid"/> on the clean <paramref name="validationImages"/>.</summary>
    /// <param name="a">The measurement operator.</param>
    /// <param name="validationImages">Clean validation images [N, C, H, W] in <paramref name="range"/>; never the test images.</param>
    /// <param name="sigmaY">σ_y ≥ 0 on the images' scale.</param>
    /// <param name="seed">The measurement noise's seed (the reconstructions' generators are seeded seed + 1).</param>
    /// <param name="grid">The values to try (non-empty).</param>
    /// <param name="reconstruct">(value, y, generator) ↦ the reconstructions [N, C, H, W]; called in its own dispose scope per value.</param>
    /// <param name="range">The images' range.</param>
    /// <param name="onValue">Called after each value with its score (a progress line, a plot point).</param>
    public static SweepResult<T> Select<T>(MeasurementOperator a, Tensor validationImages, double sigmaY, ulong seed, IEnumerable<T> grid,
        Func<T, Tensor, Generator, Tensor> reconstruct, ImageRange range = ImageRange.MinusOneToOne, Action<SweepScore<T>>? onValue = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(validationImages);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(reconstruct);
        var values = grid.ToArray();
        if (values.Length == 0)
        {
            throw new ArgumentException("the grid of values to try is empty", nameof(grid));
        }
        if (validationImages.dim() != 4 || validationImages.shape[0] == 0)
        {
            throw new ArgumentException($"expected validation images [N > 0, C, H, W], got {Shapes.Format(validationImages)}", nameof(validationImages));
        }

        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var y = a.Measure(validationImages, sigmaY, generator);
        var table = new List<SweepScore<T>>(values.Length);
        foreach (var value in values)
        {
            using var inner = NewDisposeScope();
            using var draws = new Generator(seed + 1);
            var x = reconstruct(value, y, draws);
            if (x is null || !x.shape.SequenceEqual(validationImages.shape))
            {
                throw new InvalidOperationException(
                    $"the reconstruction for {value} has shape {(x is null ? "null" : Shapes.Format(x))}, not the validation images' {Shapes.Format(validationImages)}");
            }
            var score = new SweepScore<T>(value, TvLambdaSelection.MeanPsnr(x, validationImages, range));
            table.Add(score);
            onValue?.Invoke(score);
        }
        var best = table[0];
        foreach (var row in table)
        {
            if (row.Psnr > best.Psnr)
            {
                best = row;
            }
        }
        return new SweepResult<T>(best.Value, best.Psnr, table);
    }
}
