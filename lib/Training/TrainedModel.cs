using System.Diagnostics;
using System.Globalization;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.IO;
using Diffusion.Models;
using Diffusion.Sampling;
using Diffusion.Sde;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Training;

/// <summary>
/// A trained model folder loaded for sampling: <c>model.safetensors</c> + <c>model.json</c> written at the end of a run (or,
/// when those are missing, the EMA weights of <c>checkpoint.safetensors</c> + <c>checkpoint.json</c>, a run under way). Two
/// kinds are understood, by the card's architecture:
/// <list type="bullet">
/// <item>a DDPM ε-model (<see cref="UNet"/>, T = 1000 linear β 1e-4 … 0.02, data in [−1, 1]): ddpm and ddim run Ho et al.'s and
/// Song et al.'s samplers on it; pc, em and ode run on the VP SDE VpSde(0.1, 20) through <see cref="EpsilonScore"/>,
/// s(x, t) = −ε_θ(x, i(t)) / √(1 − ᾱ_i);</item>
/// <item>a VE score model (<see cref="NcsnPp"/>, data in [0, 1] unless centred): pc, em and ode on VeSde(σ_min, σ_max) of its
/// config, s(x, t) = NCSN++(x, σ(t)).</item>
/// </list>
/// The network runs on <see cref="TorchEngine.Device"/> (or the device given) in eval mode, without gradients.
/// </summary>
public sealed class TrainedModel : IDisposable
{
    private readonly nn.Module<Tensor, Tensor, Tensor> _network;

    private TrainedModel(string folder, string weightsPath, ModelCard card, nn.Module<Tensor, Tensor, Tensor> network, UNetConfig? unet, NcsnPpConfig? ncsnpp, Device device)
    {
        Folder = folder;
        WeightsPath = weightsPath;
        Card = card;
        _network = network;
        UNet = unet;
        NcsnPp = ncsnpp;
        Device = device;
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The weights file read.</summary>
    public string WeightsPath { get; }

    /// <summary>The model card.</summary>
    public ModelCard Card { get; }

    /// <summary>The UNet's config for a DDPM model, else null.</summary>
    public UNetConfig? UNet { get; }

    /// <summary>The NCSN++ config for a VE score model, else null.</summary>
    public NcsnPpConfig? NcsnPp { get; }

    /// <summary>Where the network runs.</summary>
    public Device Device { get; }

    /// <summary>The network (in eval mode).</summary>
    public nn.Module Network => _network;

    /// <summary>One image's shape [C, H, W].</summary>
    public long[] ImageShape => UNet is { } u ? [u.ImageChannels, u.ImageSize, u.ImageSize] : [NcsnPp!.NumChannels, NcsnPp.ImageSize, NcsnPp.ImageSize];

    /// <summary>The data range of the samples: (−1, 1) for DDPM models and centred NCSN++ ones, else (0, 1).</summary>
    public (double Low, double High) Range => UNet is not null || NcsnPp!.Centered ? (-1, 1) : (0, 1);

    /// <summary>
    /// The SDE the network is a score model of: VpSde(0.1, 20, 1000) (DDPM's linear β 1e-4 … 0.02) for a DDPM UNet, the card's
    /// VeSde(σ_min, σ_max, N) for an NCSN++.
    /// </summary>
    public Sde.Sde ScoreSde => UNet is not null ? EpsilonScore.SdeFor(NoiseSchedule.Linear(1000)) : new VeSde(NcsnPp!.SigmaMin, NcsnPp.SigmaMax, NcsnPp.NumScales);

    /// <summary>
    /// The network as a score s_θ(x, t) under <see cref="ScoreSde"/>: −ε_θ(x, u)/σ̃(u) for a DDPM UNet
    /// (<see cref="EpsilonScore.Interpolated"/>, continuous in t as the probability-flow ODE needs), s_θ(x, σ(t)) for a VE NCSN++.
    /// </summary>
    public ScoreModel Score
    {
        get
        {
            var net = _network;
            if (UNet is not null) return EpsilonScore.Interpolated(net.call, (VpSde)ScoreSde);
            var ve = (VeSde)ScoreSde;
            return (x, t) => net.call(x, ve.MarginalStd(t));
        }
    }

    /// <summary>The DDPM UNet as an ε-model ε_θ(x, i) on integer steps (DDPM and DDIM samplers, the inverse-problem samplers).</summary>
    /// <exception cref="InvalidOperationException">The model is an NCSN++ score model, not an ε-model.</exception>
    public EpsilonModel Epsilon => UNet is not null
        ? EpsilonModels.From(_network)
        : throw new InvalidOperationException($"{Folder} holds a VE NCSN++ score model, not a DDPM ε-model: use {nameof(Score)}");

    /// <summary>The samplers this model supports.</summary>
    public IReadOnlyList<SamplerKind> Samplers => UNet is not null
        ? [SamplerKind.Pc, SamplerKind.Em, SamplerKind.Ode, SamplerKind.Ddpm, SamplerKind.Ddim]
        : [SamplerKind.Pc, SamplerKind.Em, SamplerKind.Ode];

    /// <summary>
    /// Loads the model of <paramref name="folder"/> onto <paramref name="device"/> (null: <see cref="TorchEngine.Device"/>); with
    /// <paramref name="fromCheckpoint"/> the EMA weights of the run's checkpoint even when the finished model is there.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder has neither model.safetensors/.json nor checkpoint.safetensors/.json
    /// (with <paramref name="fromCheckpoint"/>: no checkpoint).</exception>
    /// <exception cref="InvalidDataException">The card names an architecture or process this command cannot sample.</exception>
    public static TrainedModel Load(string folder, Device? device = null, bool fromCheckpoint = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string[] stems = fromCheckpoint ? ["checkpoint"] : ["model", "checkpoint"];
        string? stem = stems.FirstOrDefault(s =>
            File.Exists(Path.Combine(folder, s + ".safetensors")) && File.Exists(Path.Combine(folder, s + ".json")));
        if (stem is null)
        {
            throw new FileNotFoundException(fromCheckpoint
                ? $"{folder} has no checkpoint.safetensors + checkpoint.json: give the output folder of a run under way (or drop --checkpoint to use model.*)"
                : $"{folder} has no model.safetensors + model.json (nor checkpoint.safetensors + checkpoint.json): " +
                  "give the output folder of a training run, e.g. data/checkpoints/ddpm-mnist", Path.Combine(folder, stems[0] + ".safetensors"));
        }
        string weights = Path.Combine(folder, stem + ".safetensors"), cardPath = Path.Combine(folder, stem + ".json");
        var card = ModelCard.Load(cardPath);
        string config = card.ArchitectureConfig?.ToJsonString() ?? throw new InvalidDataException($"{cardPath} has no architectureConfig");
        var target = device ?? TorchEngine.Device;
        nn.Module<Tensor, Tensor, Tensor> network;
        UNetConfig? unet = null;
        NcsnPpConfig? ncsnpp = null;
        switch (card.Architecture)
        {
            case nameof(Models.UNet) when card.Process is null || card.Process.StartsWith("DDPM", StringComparison.Ordinal):
                unet = UNetConfig.FromJson(config);
                network = new Models.UNet(unet);
                break;
            case nameof(Models.NcsnPp):
                ncsnpp = NcsnPpConfig.FromJson(config);
                network = new Models.NcsnPp(ncsnpp);
                break;
            default:
                throw new InvalidDataException($"{cardPath}: cannot sample a {card.Architecture} trained for '{card.Process}'; " +
                    "the sampling command takes DDPM UNets (ε-prediction) and VE NCSN++ score models");
        }
        try
        {
            Checkpoint.LoadWeights(weights, network);
            network.to(target);
            network.eval();
            return new TrainedModel(folder, weights, card, network, unet, ncsnpp, target);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

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
            throw new ArgumentException($"the {options.Sampler.ToString().ToLowerInvariant()} sampler needs a DDPM ε-model (UNet); {Folder} holds a VE NCSN++ score model: use pc, em or ode");
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator(options.Seed);
        NoiseSource noise = (shape, dtype, device) => randn(shape, dtype: dtype, generator: generator).to(device);
        long[] shape = [options.Count, .. ImageShape];
        var clock = Stopwatch.StartNew();
        var (samples, nfe, description) = UNet is not null ? SampleDdpm(options, shape, generator, noise, progress) : SampleVe(options, shape, generator, noise, progress);
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

    /// <summary>Frees the network.</summary>
    public void Dispose() => _network.Dispose();

    private (Tensor Samples, int Nfe, string Description) SampleDdpm(SamplingOptions o, long[] shape, Generator generator, NoiseSource noise, Action<double>? progress)
    {
        Action<SamplingStep>? observer = progress is null ? null : s => progress((s.Index + 1.0) / s.Count);
        var schedule = NoiseSchedule.Linear(1000);
        var epsilon = Epsilon;
        var xT = randn(shape, generator: generator).to(Device);
        switch (o.Sampler)
        {
            case SamplerKind.Ddpm:
            {
                var ddpm = new DdpmSampler(schedule, VarianceType.FixedLarge, clipSample: true);
                ddpm.SetTimesteps(Math.Min(o.Steps, schedule.T));
                return (ddpm.Sample(epsilon, xT, noise, observer), ddpm.StepCount, $"DDPM ancestral, {ddpm.StepCount} steps, fixed-large variance, x0 clipped");
            }
            case SamplerKind.Ddim:
            {
                var ddim = new DdimSampler(schedule, eta: 0, steps: o.Steps);
                return (ddim.Sample(epsilon, xT, noise, observer), ddim.StepCount, $"DDIM eta 0, {ddim.StepCount} steps");
            }
            default:
            {
                var scoreSde = (VpSde)ScoreSde;
                var sampling = new VpSde(scoreSde.BetaMin, scoreSde.BetaMax, o.Steps);
                if (o.Sampler == SamplerKind.Ode)
                {
                    return SampleSde(o, scoreSde, sampling, Score, xT, noise,
                        "VP SDE (beta 0.1..20), score -eps(x, t (N - 1)) / interpolated sqrt(1 - alpha-bar)", progress);
                }
                return SampleSde(o, scoreSde, sampling, EpsilonScore.From(epsilon, scoreSde), xT, noise, "VP SDE (beta 0.1..20) through EpsilonScore", progress);
            }
        }
    }

    private (Tensor Samples, int Nfe, string Description) SampleVe(SamplingOptions o, long[] shape, Generator generator, NoiseSource noise, Action<double>? progress)
    {
        var config = NcsnPp!;
        var scoreSde = (VeSde)ScoreSde;
        var sampling = new VeSde(config.SigmaMin, config.SigmaMax, o.Steps);
        var xT = scoreSde.PriorSampling(shape, generator).to(Device);
        string sde = string.Create(CultureInfo.InvariantCulture, $"VE SDE (sigma {config.SigmaMin}..{config.SigmaMax})");
        return SampleSde(o, scoreSde, sampling, Score, xT, noise, sde, progress);
    }

    /// <summary>pc, em or ode: the discretised samplers on <paramref name="sampling"/> (N = steps), the ODE on <paramref name="scoreSde"/>.</summary>
    private (Tensor Samples, int Nfe, string Description) SampleSde(SamplingOptions o, Sde.Sde scoreSde, Sde.Sde sampling, ScoreModel score, Tensor xT,
        NoiseSource noise, string sde, Action<double>? progress)
    {
        Action<SamplingStep>? onStep = progress is null ? null : s => progress((s.Index + 1.0) / o.Steps);
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
                var r = pc.Sample(xT, onStep);
                return (r.Samples, r.Nfe, string.Create(inv, $"PC: reverse-diffusion predictor + Langevin corrector (snr {snr}), {r.Steps} steps to t = {o.Eps}, {sde}"));
            }
            case SamplerKind.Em:
            {
                var em = new PcSampler(sampling, new EulerMaruyamaPredictor(sampling, score, noise), null, o.Eps);
                var r = em.Sample(xT, onStep);
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
