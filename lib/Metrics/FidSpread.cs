using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Metrics;

/// <summary>
/// FID and the real-vs-real floor with their spread over several reference draws: with n generated images and a pool of at
/// least 2n real ones, draw k = 1 … K takes a random n of the pool as the reference for the FID and splits the pool into two
/// random disjoint n-sets for the floor. A difference between two models smaller than these spreads is not a difference.
/// </summary>
/// <param name="Fids">The FID of each draw.</param>
/// <param name="Floors">The floor of each draw.</param>
public sealed record FidSpread(double[] Fids, double[] Floors)
{
    /// <summary>The mean FID over the draws.</summary>
    public double Fid => Fids.Average();

    /// <summary>The sample standard deviation of the FID over the draws.</summary>
    public double FidStd => Std(Fids);

    /// <summary>The mean floor over the draws.</summary>
    public double Floor => Floors.Average();

    /// <summary>The sample standard deviation of the floor over the draws.</summary>
    public double FloorStd => Std(Floors);

    /// <summary>
    /// Measures <paramref name="generatedFeatures"/> [n, D] against <paramref name="realFeatures"/> [N ≥ 2n, D] over
    /// <paramref name="draws"/> reference draws seeded by <paramref name="seed"/> (the same seed gives the same draws, so two
    /// models measured with one seed share their references).
    /// </summary>
    public static FidSpread Measure(Tensor realFeatures, Tensor generatedFeatures, int draws = 5, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(realFeatures);
        ArgumentNullException.ThrowIfNull(generatedFeatures);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 2);
        long n = generatedFeatures.shape[0];
        if (realFeatures.dim() != 2 || generatedFeatures.dim() != 2 || realFeatures.shape[0] < 2 * n)
        {
            throw new ArgumentException(
                $"the spread needs generated features [n, D] and at least 2n real ones; got {Engine.Shapes.Format(generatedFeatures)} and {Engine.Shapes.Format(realFeatures)}");
        }
        var fids = new double[draws];
        var floors = new double[draws];
        using var generator = new Generator(seed);
        for (int k = 0; k < draws; k++)
        {
            using var scope = NewDisposeScope();
            var order = randperm(realFeatures.shape[0], generator: generator).to(realFeatures.device);
            var first = realFeatures.index_select(0, order.narrow(0, 0, n));
            var second = realFeatures.index_select(0, order.narrow(0, n, n));
            fids[k] = Metrics.Fid.Compute(first, generatedFeatures);
            floors[k] = Metrics.Fid.Compute(first, second);
        }
        return new FidSpread(fids, floors);
    }

    /// <summary>Images in, through <paramref name="network"/>'s features; see <see cref="Measure(Tensor, Tensor, int, ulong)"/>.</summary>
    public static FidSpread Measure(FeatureNetwork network, Tensor realImages, Tensor generatedImages, int draws = 5, ulong seed = 0,
        ImageRange range = ImageRange.MinusOneToOne)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var real = network.Features(realImages, range);
        using var generated = network.Features(generatedImages, range);
        return Measure(real, generated, draws, seed);
    }

    /// <summary>"FID 22.4 ± 0.9 (floor 6.7 ± 0.8, 5 reference draws)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"FID {Fid:F2} ± {FidStd:F2} (floor {Floor:F2} ± {FloorStd:F2}, {Fids.Length} reference draws)");

    private static double Std(double[] v)
    {
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }
}
