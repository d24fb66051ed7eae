using System.Diagnostics;
using Diffusion.Ddpm;
using Diffusion.Metrics;
using Diffusion.Sampling;
using Diffusion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Pretrained;

/// <summary>How good a generative model's samples are: FID against real images, and the real-vs-real floor at the same size.</summary>
/// <param name="Fid">FID between <paramref name="Samples"/> generated images and as many real ones.</param>
/// <param name="FidFloor">FID between two disjoint real sets of that size: what sampling noise alone gives.</param>
/// <param name="Samples">The number of generated (and of real) images.</param>
/// <param name="Sampler">The sampler, e.g. <c>ddim-50</c> or <c>ddpm-1000</c>.</param>
/// <param name="SamplingSeconds">Wall time spent sampling.</param>
public sealed record SampleQuality(double Fid, double FidFloor, int Samples, string Sampler, double SamplingSeconds)
{
    /// <summary>
    /// Samples <paramref name="count"/> images from ε_θ with <paramref name="sampler"/> (in batches, seeded), embeds them and
    /// <paramref name="count"/> images of <paramref name="real"/> [N, C, H, W] in [−1, 1] with <paramref name="network"/>, and returns
    /// FID and the floor FID(real₁, real₂) of two disjoint real sets of the same size (so <paramref name="real"/> needs 2 × count images).
    /// x_T is drawn on the CPU from the seeded generator and moved to the model's device; <paramref name="progress"/>, when given,
    /// hears the fraction of all the samples done, in [0, 1], after every sampler step.
    /// </summary>
    public static SampleQuality Measure(nn.Module<Tensor, Tensor, Tensor> model, Sampler sampler, string samplerName, FeatureNetwork network,
        Tensor real, int count, int batchSize = 250, ulong seed = 0, Action<double>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (real.size(0) < 2L * count)
        {
            throw new ArgumentException($"the floor needs {2 * count} real images (two disjoint sets of {count}); got {real.size(0)}", nameof(real));
        }
        long[] imageShape = real.shape[1..];
        model.eval();
        var clock = Stopwatch.StartNew();
        var batches = new List<Tensor>();
        try
        {
            using var generator = new Generator(seed);
            var device = model.parameters().FirstOrDefault()?.device ?? CPU;
            for (int done = 0; done < count; done += batchSize)
            {
                int b = Math.Min(batchSize, count - done), before = done;
                Action<SamplingStep>? observer = progress is null ? null : s => progress((before + (s.Index + 1.0) / s.Count * b) / count);
                using var scope = NewDisposeScope();
                var xT = randn([b, .. imageShape], generator: generator);
                var onDevice = device.type == DeviceType.CPU ? xT : xT.to(device);
                var sample = sampler.Sample(EpsilonModels.From(model), onDevice, generator, observer);
                batches.Add((sample.device.type == DeviceType.CPU ? sample : sample.to(CPU)).MoveToOuterDisposeScope());
            }
            clock.Stop();
            using var samples = cat(batches, 0);
            using var clamped = samples.clamp(-1, 1);
            using var realSubset = real.narrow(0, 0, count);
            using var realPool = real.narrow(0, 0, 2L * count);
            double fid = Metrics.Fid.Compute(network, realSubset, clamped);
            double floor = Metrics.Fid.Floor(network, realPool, count, seed);
            return new SampleQuality(fid, floor, count, samplerName, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var t in batches)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>
    /// Samples <paramref name="count"/> images of a trained model folder (<see cref="TrainedModel.Sample"/> with
    /// <paramref name="options"/>: any sampler it takes, in batches of <paramref name="batchSize"/> seeded
    /// <paramref name="seed"/> + 1000 k for the k-th), maps them to [−1, 1] (<see cref="SamplingResult.Symmetric"/>) and returns FID
    /// against the first <paramref name="count"/> of <paramref name="real"/> [N, C, H, W] in [−1, 1] and the floor of two disjoint real
    /// sets of that size (so <paramref name="real"/> needs 2 × count images). <paramref name="progress"/>, when given, hears the
    /// fraction of all the samples done as sampling advances.
    /// </summary>
    public static SampleQuality Measure(TrainedModel model, SamplingOptions options, string samplerName, FeatureNetwork network,
        Tensor real, int count, int batchSize = 250, ulong seed = 0, Action<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (real.size(0) < 2L * count)
        {
            throw new ArgumentException($"the floor needs {2 * count} real images (two disjoint sets of {count}); got {real.size(0)}", nameof(real));
        }
        using var result = model.SampleInBatches(options, count, batchSize, seed, progress);
        using var samples = result.Symmetric();
        using var realSubset = real.narrow(0, 0, count);
        using var realPool = real.narrow(0, 0, 2L * count);
        double fid = Metrics.Fid.Compute(network, realSubset, samples);
        double floor = Metrics.Fid.Floor(network, realPool, count, seed);
        return new SampleQuality(fid, floor, count, samplerName, result.Seconds);
    }

    /// <summary>Writes the numbers into a model card's metrics (<c>fid</c>, <c>fid_floor</c>, <c>fid_samples</c>, <c>sampler</c>, <c>sampling_seconds</c>).</summary>
    public void WriteTo(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        card.Metrics["fid"] = Math.Round(Fid, 3);
        card.Metrics["fid_floor"] = Math.Round(FidFloor, 3);
        card.Metrics["fid_samples"] = Samples;
        card.Metrics["sampler"] = Sampler;
        card.Metrics["sampling_seconds"] = Math.Round(SamplingSeconds, 1);
    }
}
