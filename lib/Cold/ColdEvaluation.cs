using System.Diagnostics;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cold;

/// <summary>One row of the restoration table: a method's restorations of the same held-out digits from D(x_0, s).</summary>
/// <param name="Degradation">"blur", "mask", "sr".</param>
/// <param name="Severity">The severity s the digits were degraded to.</param>
/// <param name="Method">"degraded" (x_s itself), "direct" (R(x_s, s) once), "algorithm-1", "algorithm-2".</param>
/// <param name="Images">How many digits.</param>
/// <param name="Psnr">Mean PSNR (dB) against x_0, on [0, 1] images.</param>
/// <param name="Ssim">Mean SSIM against x_0 (11×11 Gaussian window, σ 1.5).</param>
/// <param name="Fid">FID of the restorations against as many other held-out digits (the project's MNIST features).</param>
/// <param name="FidFloor">FID of the true x_0 against the same reference digits: what a perfect restoration scores.</param>
/// <param name="SecondsPerImage">Wall time of the method divided by the number of digits.</param>
public sealed record ColdRestorationRow(string Degradation, int Severity, string Method, int Images, double Psnr, double Ssim, double Fid, double FidFloor, double SecondsPerImage);

/// <summary>Generation from blur measured: FID against held-out digits with its floor, and the nearest-training-digit distances.</summary>
/// <param name="Samples">N generated digits.</param>
/// <param name="Fid">FID of the N samples against N held-out digits.</param>
/// <param name="FidFloor">FID between two disjoint sets of N held-out digits.</param>
/// <param name="NearestTrainingDistance">Median L2 distance (pixels on [−1, 1]) of a sample to its nearest training digit.</param>
/// <param name="HeldOutNearestTrainingDistance">The same for N held-out real digits: what new digits look like.</param>
/// <param name="Seconds">Wall time of the generation.</param>
public sealed record ColdGenerationResult(int Samples, double Fid, double FidFloor, double NearestTrainingDistance, double HeldOutNearestTrainingDistance, double Seconds);

/// <summary>
/// The measurements of notebook 06 and the evaluation command: restoration of held-out digits by direct R, Algorithm 1 and
/// Algorithm 2 (<see cref="Restore"/>), and generation from blur (<see cref="Generate"/>). Images are on [−1, 1]; PSNR and SSIM
/// are computed on (x + 1) / 2 clamped to [0, 1].
/// </summary>
public static class ColdEvaluation
{
    /// <summary>The method names of <see cref="Restore"/>, in table order.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["degraded", "direct", "algorithm-1", "algorithm-2"];

    /// <summary>
    /// Degrades <paramref name="x0"/> [N, C, H, W] to severity <paramref name="severity"/> (per-image randomness of D, e.g. the mask's
    /// centre, from <paramref name="seed"/>) and restores it by each of <see cref="Methods"/>; FID against <paramref name="reference"/>
    /// (other real digits, as many as x_0) through <paramref name="network"/>. Restorations run in batches of <paramref name="batchSize"/>.
    /// </summary>
    public static IReadOnlyList<ColdRestorationRow> Restore(Restorer restorer, Degradation degradation, Tensor x0, Tensor reference,
        FeatureNetwork network, int severity, ulong seed = 0, int batchSize = 250, Action<string, Tensor>? onRestored = null)
    {
        ArgumentNullException.ThrowIfNull(restorer);
        ArgumentNullException.ThrowIfNull(degradation);
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(network);
        if (x0.dim() != 4 || reference.dim() != 4 || !x0.shape.AsSpan(1).SequenceEqual(reference.shape.AsSpan(1)))
        {
            throw new ArgumentException($"x_0 {Shapes.Format(x0)} and the reference digits {Shapes.Format(reference)} must be image batches of one shape [N, C, H, W]");
        }
        if (severity < 1 || severity > degradation.T)
        {
            throw new ArgumentOutOfRangeException(nameof(severity), severity, $"the severity must be in 1 … {degradation.T}");
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        using var bound = Owned(degradation.ForBatch(x0.shape[0], generator), degradation);
        var xs = bound.Degradation.Apply(x0, severity);
        double floor = Fid.Compute(network, reference, x0);
        var rows = new List<ColdRestorationRow>();
        foreach (string method in Methods)
        {
            var clock = Stopwatch.StartNew();
            var restored = method switch
            {
                "degraded" => xs,
                "direct" => Batched(xs, batchSize, (x, from) => restorer(x, full([x.shape[0]], (float)severity, dtype: float32, device: x.device))),
                "algorithm-1" => RunSampler(restorer, bound.Degradation, xs, severity, batchSize, d => new ColdAlgorithm1(d)),
                _ => RunSampler(restorer, bound.Degradation, xs, severity, batchSize, d => new ColdAlgorithm2(d)),
            };
            clock.Stop();
            onRestored?.Invoke(method, restored);
            var clamped = restored.clamp(-1, 1);
            var unit = (clamped + 1) / 2;
            var truth = (x0 + 1) / 2;
            rows.Add(new ColdRestorationRow(degradation.Name, severity, method, (int)x0.shape[0], Psnr.Mean(unit, truth), Ssim.Mean(unit, truth),
                Fid.Compute(network, reference, clamped), floor, clock.Elapsed.TotalSeconds / x0.shape[0]));
        }
        return rows;
    }

    /// <summary>
    /// Generates <paramref name="count"/> digits from blur with <paramref name="generation"/> and measures them: FID against the first
    /// <paramref name="count"/> of <paramref name="heldOut"/> (which needs 2 × count digits, for the floor), and the median distance to
    /// the nearest of <paramref name="training"/>, beside the same for held-out digits. <paramref name="samples"/> receives the digits.
    /// </summary>
    public static ColdGenerationResult Generate(Restorer restorer, Degradation blur, BlurGeneration generation, Tensor heldOut, Tensor training,
        FeatureNetwork network, int count, ulong seed = 0, int batchSize = 250, Action<Tensor>? samples = null)
    {
        ArgumentNullException.ThrowIfNull(generation);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (heldOut.shape[0] < 2L * count)
        {
            throw new ArgumentException($"FID and its floor need {2 * count} held-out digits (two disjoint sets of {count}); got {heldOut.shape[0]}", nameof(heldOut));
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var clock = Stopwatch.StartNew();
        var parts = new List<Tensor>();
        for (int done = 0; done < count; done += batchSize)
        {
            parts.Add(generation.Generate(restorer, blur, Math.Min(batchSize, count - done), generator));
        }
        var generated = cat(parts, 0).clamp(-1, 1);
        clock.Stop();
        samples?.Invoke(generated);
        var real = heldOut.narrow(0, 0, count);
        double fid = Fid.Compute(network, real, generated);
        double floor = Fid.Floor(network, heldOut.narrow(0, 0, 2L * count), count, seed);
        using var generatedNearest = NearestNeighbours.Find(generated, training);
        using var realNearest = NearestNeighbours.Find(real, training);
        return new ColdGenerationResult(count, fid, floor, generatedNearest.Distances.median().ToDouble(), realNearest.Distances.median().ToDouble(),
            clock.Elapsed.TotalSeconds);
    }

    private static Tensor RunSampler(Restorer restorer, Degradation degradation, Tensor xs, int severity, int batchSize, Func<Degradation, ColdSampler> make)
    {
        if (degradation is GaussianMask { Centres: not null } mask)
        {
            // A mask bound to the batch: bind each chunk to its own centres.
            return Batched(xs, batchSize, (x, from) =>
            {
                using var part = mask.WithCentres(mask.Centres!.narrow(0, from, x.shape[0]));
                return make(part).Sample(restorer, x, severity);
            });
        }
        var sampler = make(degradation);
        return Batched(xs, batchSize, (x, from) => sampler.Sample(restorer, x, severity));
    }

    private static Tensor Batched(Tensor x, int batchSize, Func<Tensor, long, Tensor> run)
    {
        var parts = new List<Tensor>();
        for (long from = 0; from < x.shape[0]; from += batchSize)
        {
            parts.Add(run(x.narrow(0, from, Math.Min(batchSize, x.shape[0] - from)), from));
        }
        return cat(parts, 0);
    }

    private static BoundDegradation Owned(Degradation bound, Degradation original) => new(bound, !ReferenceEquals(bound, original));

    private sealed record BoundDegradation(Degradation Degradation, bool Owns) : IDisposable
    {
        public void Dispose()
        {
            if (Owns)
            {
                Degradation.Dispose();
            }
        }
    }
}
