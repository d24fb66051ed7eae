using System.Diagnostics;
using System.Globalization;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Sampling;
using Diffusion.Sde;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Pretrained;

/// <summary>Sampling a loaded model with the sampling command's samplers (ddpm, ddim, pc, em, ode).</summary>
public sealed partial class TrainedModel
{
    /// <summary>
    /// Draws <see cref="SamplingOptions.Count"/> samples: x_T from the prior with a CPU generator seeded by
    /// <see cref="SamplingOptions.Seed"/> (which also gives every later z), then the chosen sampler; returns the samples on the
    /// CPU with the NFE and the seconds taken.
    /// </summary>
    /// <param name="options">The sampler and its settings.</param>
    /// <param name="progress">Called as the sampler advances with the fraction done, in [0, 1] (steps for ddpm, ddim, pc and em;
    /// the integrated share of [ε, T] for ode).</param>
    /// <exception cref="ArgumentException">The sampler needs a DDPM ε-model and this is a score model (ddpm, ddim on NCSN++).</exception>
    public SamplingResult Sample(SamplingOptions options, Action<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!Samplers.Contains(options.Sampler))
        {
            throw new ArgumentException(Process is ColdProcess
                ? $"{Folder} holds a cold-diffusion restorer: sample it with ColdAlgorithm2 (Restorer, Degradation) or the course tool's evaluate cold, not the {options.Sampler.ToString().ToLowerInvariant()} sampler"
                : $"the {options.Sampler.ToString().ToLowerInvariant()} sampler needs a DDPM ε-model (UNet); {Folder} holds a VE NCSN++ score model: use pc, em or ode");
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator(options.Seed);
        NoiseSource noise = (shape, dtype, device) => randn(shape, dtype: dtype, generator: generator).to(device);
        long[] shape = [options.Count, .. ImageShape];
        var clock = Stopwatch.StartNew();
        var (samples, nfe, description) = Process is DdpmProcess ? SampleDdpm(options, shape, generator, noise, progress) : SampleVe(options, shape, generator, noise, progress);
        var cpu = samples.to(ScalarType.Float32, CPU);
        double seconds = clock.Elapsed.TotalSeconds;
        return new SamplingResult(cpu.MoveToOuterDisposeScope(), Range, nfe, seconds, description);
    }

    /// <summary>
    /// Draws <paramref name="count"/> samples in batches of <paramref name="batchSize"/> with <see cref="Sample"/>, the k-th batch
    /// seeded <paramref name="seed"/> + 1000 k (so a run's samples do not depend on how many batches came before a given one);
    /// returns them concatenated with the summed seconds and the NFE and description of the sampler. <paramref name="progress"/>, when
    /// given, hears the fraction of all <paramref name="count"/> samples done.
    /// </summary>
    public SamplingResult SampleInBatches(SamplingOptions options, int count, int batchSize = 250, ulong seed = 0, Action<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var parts = new List<SamplingResult>();
        try
        {
            for (int done = 0, k = 0; done < count; done += batchSize, k++)
            {
                int b = Math.Min(batchSize, count - done), before = done;
                parts.Add(Sample(options with { Count = b, Seed = seed + 1000UL * (ulong)k },
                    progress is null ? null : f => progress((before + f * b) / count)));
            }
            var last = parts[^1];
            return new SamplingResult(cat(parts.Select(p => p.Samples).ToList(), 0), Range, last.Nfe, parts.Sum(p => p.Seconds), last.Description);
        }
        finally
        {
            parts.ForEach(p => p.Dispose());
        }
    }

    private (Tensor Samples, int Nfe, string Description) SampleDdpm(SamplingOptions o, long[] shape, Generator generator, NoiseSource noise, Action<double>? progress)
    {
        Action<SamplingStep>? observer = progress is null ? null : s => progress((s.Index + 1.0) / s.Count);
        var schedule = Schedule;
        var epsilon = EpsilonModels.From(Network, o.Precision);
        string precision = o.Precision == Precision.Float32 ? "" : $", network in {o.Precision.Name()}";
        var xT = randn(shape, generator: generator).to(Device);
        switch (o.Sampler)
        {
            case SamplerKind.Ddpm:
            {
                bool clip = o.Clip ?? true;
                var ddpm = new DdpmSampler(schedule, VarianceType.FixedLarge, clipSample: clip);
                ddpm.SetTimesteps(Math.Min(o.Steps, schedule.T));
                return (ddpm.Sample(epsilon, xT, noise, observer), ddpm.StepCount,
                    $"DDPM ancestral, {ddpm.StepCount} steps, fixed-large variance, x0 {(clip ? "clipped" : "not clipped")}{precision}");
            }
            case SamplerKind.Ddim:
            {
                bool clip = o.Clip ?? false;
                var ddim = new DdimSampler(schedule, eta: 0, steps: o.Steps, clipSample: clip);
                return (ddim.Sample(epsilon, xT, noise, observer), ddim.StepCount, $"DDIM eta 0, {ddim.StepCount} steps, x0 {(clip ? "clipped" : "not clipped")}{precision}");
            }
            default:
            {
                var scoreSde = (VpSde)ScoreSde;
                var sampling = new VpSde(scoreSde.BetaMin, scoreSde.BetaMax, o.Steps);
                string sde = string.Create(CultureInfo.InvariantCulture, $"VP SDE (beta {scoreSde.BetaMin:G4}..{scoreSde.BetaMax:G4})");
                if (o.Sampler == SamplerKind.Ode)
                {
                    return SampleSde(o, scoreSde, sampling, Score, xT, noise, sde + ", score -eps(x, t (N - 1)) / interpolated sqrt(1 - alpha-bar)", progress);
                }
                return SampleSde(o, scoreSde, sampling, EpsilonScore.From(epsilon, scoreSde), xT, noise, sde + " through EpsilonScore", progress);
            }
        }
    }

    private (Tensor Samples, int Nfe, string Description) SampleVe(SamplingOptions o, long[] shape, Generator generator, NoiseSource noise, Action<double>? progress)
    {
        var scoreSde = (VeSde)ScoreSde;
        var sampling = new VeSde(scoreSde.SigmaMin, scoreSde.SigmaMax, o.Steps);
        var xT = scoreSde.PriorSampling(shape, generator).to(Device);
        string sde = string.Create(CultureInfo.InvariantCulture, $"VE SDE (sigma {scoreSde.SigmaMin}..{scoreSde.SigmaMax})");
        return SampleSde(o, scoreSde, sampling, Score, xT, noise, sde, progress);
    }

    /// <summary>pc, em or ode: the discretised samplers on <paramref name="sampling"/> (N = steps), the ODE on <paramref name="scoreSde"/>.</summary>
    private (Tensor Samples, int Nfe, string Description) SampleSde(SamplingOptions o, Sde.Sde scoreSde, Sde.Sde sampling, ScoreModel score, Tensor xT,
        NoiseSource noise, string sde, Action<double>? progress)
    {
        Action<SamplingStep>? observer = progress is null ? null : s => progress((s.Index + 1.0) / o.Steps);
        var inv = CultureInfo.InvariantCulture;
        switch (o.Sampler)
        {
            case SamplerKind.Pc:
            {
                if (sampling is VpSde vp && vp.DiscreteBetas[^1] >= 1)
                {
                    throw new ArgumentException(string.Create(inv,
                        $"pc on the VP SDE uses DDPM's discretisation beta_i = beta(t_i)/N, which needs beta_max/N < 1: {o.Steps} steps give beta_{{N-1}} = {vp.DiscreteBetas[^1]:0.###}; use more than {vp.BetaMax} steps, or em"));
                }
                double snr = o.Snr ?? (ImageShape[^1] >= 256 ? 0.075 : 0.16);
                var pc = new PcSampler(sampling, new ReverseDiffusionPredictor(sampling, score, noise), new LangevinCorrector(sampling, score, noise, snr), o.Eps);
                var r = pc.Sample(xT, observer);
                return (r.Samples, r.Nfe, string.Create(inv, $"PC: reverse-diffusion predictor + Langevin corrector (snr {snr}), {r.Steps} steps to t = {o.Eps}, {sde}"));
            }
            case SamplerKind.Em:
            {
                var em = new PcSampler(sampling, new EulerMaruyamaPredictor(sampling, score, noise), null, o.Eps);
                var r = em.Sample(xT, observer);
                return (r.Samples, r.Nfe, string.Create(inv, $"Euler-Maruyama, {r.Steps} steps to t = {o.Eps}, {sde}"));
            }
            default:
            {
                var ode = new ProbabilityFlowSampler(scoreSde, score, o.Eps, o.Tolerance, o.Tolerance, denoise: true);
                var (r, _) = ode.Sample(xT, progress);
                return (r.Samples, r.Nfe, string.Create(inv, $"probability-flow ODE, RK45 rtol = atol = {o.Tolerance} to t = {o.Eps} ({r.Steps} accepted steps) + one denoising step, {sde}"));
            }
        }
    }
}
