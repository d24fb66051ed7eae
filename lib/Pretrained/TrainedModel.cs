using Diffusion.Cold;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Models;
using Diffusion.Sde;
using Diffusion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Pretrained;

/// <summary>
/// A trained model folder loaded with its process: <c>model.safetensors</c> + <c>model.json</c> written at the end of a run (or,
/// when those are missing, the EMA weights of <c>checkpoint.safetensors</c> + <c>checkpoint.json</c>, a run under way). The one
/// loader of the course: the card's <c>process</c> section (<see cref="ModelProcess"/>) says what the network is, and the model
/// offers the objects that process needs:
/// <list type="bullet">
/// <item>a DDPM (<see cref="DdpmProcess"/>, a <see cref="Models.UNet"/>): the ε-model <see cref="Epsilon"/> on its training
/// <see cref="Schedule"/> for the DDPM, DDIM and inverse-problem samplers; as a score <see cref="Score"/> on the VP SDE of that
/// schedule (<see cref="ScoreSde"/>, through <see cref="EpsilonScore"/>) for pc, em and ode;</item>
/// <item>a VE score model (<see cref="VeSdeProcess"/>, an <see cref="Models.NcsnPp"/>): <see cref="Score"/> s_θ(x, σ(t)) on the
/// card's <see cref="VeSde"/>;</item>
/// <item>a cold-diffusion restorer (<see cref="ColdProcess"/>, a UNet): <see cref="Restorer"/> R_θ(x_s, s) and its
/// <see cref="Degradation"/>.</item>
/// </list>
/// The network runs on <see cref="TorchEngine.Device"/> (or the device given) in eval mode; the caller chooses grad or no grad.
/// </summary>
public sealed partial class TrainedModel : IDisposable
{
    private readonly Degradation? _degradation;

    private TrainedModel(string folder, string weightsPath, ModelCard card, ModelProcess process, nn.Module<Tensor, Tensor, Tensor> network,
        UNetConfig? unet, NcsnPpConfig? ncsnpp, Degradation? degradation, Device device)
    {
        Folder = folder;
        WeightsPath = weightsPath;
        Card = card;
        Process = process;
        Network = network;
        UNet = unet;
        NcsnPp = ncsnpp;
        _degradation = degradation;
        Device = device;
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The weights file read.</summary>
    public string WeightsPath { get; }

    /// <summary>The model card.</summary>
    public ModelCard Card { get; }

    /// <summary>The diffusion process the network was trained for (the card's <c>process</c> section).</summary>
    public ModelProcess Process { get; }

    /// <summary>The network (in eval mode): ε_θ(x, t), s_θ(x, σ) or R_θ(x_s, s) by <see cref="Process"/>.</summary>
    public nn.Module<Tensor, Tensor, Tensor> Network { get; }

    /// <summary>The UNet's config for a DDPM or a cold restorer, else null.</summary>
    public UNetConfig? UNet { get; }

    /// <summary>The NCSN++ config for a VE score model, else null.</summary>
    public NcsnPpConfig? NcsnPp { get; }

    /// <summary>Where the network runs.</summary>
    public Device Device { get; }

    /// <summary>One image's shape [C, H, W].</summary>
    public long[] ImageShape => UNet is { } u ? [u.ImageChannels, u.ImageSize, u.ImageSize] : [NcsnPp!.NumChannels, NcsnPp.ImageSize, NcsnPp.ImageSize];

    /// <summary>The data range of the model's images and samples (the process's): (−1, 1), or (0, 1) for an uncentred VE model.</summary>
    public (double Low, double High) Range => Process.DataRange.ToTuple();

    /// <summary>The DDPM's training schedule (<see cref="DdpmProcess.NoiseSchedule"/>).</summary>
    /// <exception cref="InvalidOperationException">The model is not a DDPM.</exception>
    public NoiseSchedule Schedule => Process is DdpmProcess ddpm
        ? _schedule ??= ddpm.NoiseSchedule()
        : throw NotA("DDPM ε-model", nameof(Schedule));

    private NoiseSchedule? _schedule;

    /// <summary>
    /// The SDE the network is a score model of: for a DDPM the VP SDE whose discretisation is its schedule
    /// (<see cref="EpsilonScore.SdeFor"/>: VpSde(0.1, 20, 1000) for DDPM's linear β 1e-4 … 0.02), for a VE model the card's VeSde.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is a cold restorer.</exception>
    public Sde.Sde ScoreSde => Process switch
    {
        DdpmProcess => EpsilonScore.SdeFor(Schedule),
        VeSdeProcess ve => ve.Sde(),
        _ => throw NotA("score model", nameof(ScoreSde)),
    };

    /// <summary>
    /// The network as a score s_θ(x, t) under <see cref="ScoreSde"/>: −ε_θ(x, u)/σ̃(u) for a DDPM
    /// (<see cref="EpsilonScore.Interpolated"/>, continuous in t as the probability-flow ODE needs), s_θ(x, σ(t)) for a VE NCSN++.
    /// </summary>
    public ScoreModel Score
    {
        get
        {
            var net = Network;
            if (Process is DdpmProcess)
            {
                return EpsilonScore.Interpolated(net.call, (VpSde)ScoreSde);
            }
            var ve = (VeSde)ScoreSde;
            return (x, t) => net.call(x, ve.MarginalStd(t));
        }
    }

    /// <summary>The DDPM as an ε-model ε_θ(x, i) on integer steps (DDPM and DDIM samplers, the inverse-problem samplers).</summary>
    /// <exception cref="InvalidOperationException">The model is not a DDPM ε-model.</exception>
    public EpsilonModel Epsilon => Process is DdpmProcess ? EpsilonModels.From(Network) : throw NotA("DDPM ε-model", nameof(Epsilon));

    /// <summary>The cold process's degradation D, as in training (owned by the model).</summary>
    /// <exception cref="InvalidOperationException">The model is not a cold restorer.</exception>
    public Degradation Degradation => _degradation ?? throw NotA("cold-diffusion restorer", nameof(Degradation));

    /// <summary>R_θ(x_s, s) as a <see cref="Cold.Restorer"/> for the cold samplers.</summary>
    /// <exception cref="InvalidOperationException">The model is not a cold restorer.</exception>
    public Restorer Restorer
    {
        get
        {
            _ = Degradation;
            var net = Network;
            return (x, s) => net.call(x, s);
        }
    }

    /// <summary>The samplers of <see cref="Sample"/> this model takes (none for a cold restorer: use the cold samplers).</summary>
    public IReadOnlyList<SamplerKind> Samplers => Process switch
    {
        DdpmProcess => [SamplerKind.Pc, SamplerKind.Em, SamplerKind.Ode, SamplerKind.Ddpm, SamplerKind.Ddim],
        VeSdeProcess => [SamplerKind.Pc, SamplerKind.Em, SamplerKind.Ode],
        _ => [],
    };

    /// <summary>
    /// Loads the model of <paramref name="folder"/> onto <paramref name="device"/> (null: <see cref="TorchEngine.Device"/>) with the
    /// process its card names; with <paramref name="fromCheckpoint"/> the EMA weights of the run's checkpoint even when the finished
    /// model is there.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder has neither model.safetensors/.json nor checkpoint.safetensors/.json
    /// (with <paramref name="fromCheckpoint"/>: no checkpoint).</exception>
    /// <exception cref="InvalidDataException">The card's process or architecture is not one this library loads, or they do not go together.</exception>
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
                : $"'{Path.GetFullPath(folder)}' has no model.safetensors + model.json (nor checkpoint.safetensors + checkpoint.json): " +
                  "give the output folder of a training run, e.g. data/checkpoints/ddpm-mnist, or train one with the course tool's train --config NAME --out FOLDER",
                Path.Combine(folder, stems[0] + ".safetensors"));
        }
        string weights = Path.Combine(folder, stem + ".safetensors"), cardPath = Path.Combine(folder, stem + ".json");
        var card = ModelCard.Load(cardPath);
        if (string.IsNullOrEmpty(card.Architecture))
        {
            throw new InvalidDataException($"{cardPath}: the card has no 'architecture' (UNet or NcsnPp)");
        }
        var process = ModelProcess.FromJson(card.Process, card.Architecture, card.ArchitectureConfig, cardPath);
        var target = device ?? TorchEngine.Device;
        nn.Module<Tensor, Tensor, Tensor> network;
        UNetConfig? unet = null;
        NcsnPpConfig? ncsnpp = null;
        Degradation? degradation = null;
        switch (process, card.Architecture)
        {
            case (DdpmProcess or ColdProcess, nameof(Models.UNet)):
                unet = CardConfig.Read(card, cardPath, weights, UNetConfig.FromJson, c => c.Validate(), c => c.MinimumParameters());
                network = new Models.UNet(unet);
                break;
            case (VeSdeProcess, nameof(Models.NcsnPp)):
                ncsnpp = CardConfig.Read(card, cardPath, weights, NcsnPpConfig.FromJson, c => c.Validate(), c => c.MinimumParameters());
                network = new Models.NcsnPp(ncsnpp);
                break;
            default:
                throw new InvalidDataException($"{cardPath}: a {card.Architecture} trained for a {KindOf(process)} process is not a model this library loads; " +
                    "it loads UNets for ddpm and cold processes and NCSN++ for ve-sde");
        }
        try
        {
            degradation = (process as ColdProcess)?.Degradation.Create();
            Checkpoint.LoadWeights(weights, network);
            network.to(target);
            network.eval();
            return new TrainedModel(folder, weights, card, process, network, unet, ncsnpp, degradation, target);
        }
        catch
        {
            network.Dispose();
            degradation?.Dispose();
            throw;
        }
    }

    /// <summary>Frees the network and the degradation's caches.</summary>
    public void Dispose()
    {
        Network.Dispose();
        _degradation?.Dispose();
    }

    private static string KindOf(ModelProcess process) => process switch
    {
        DdpmProcess => DdpmProcess.Kind,
        VeSdeProcess => VeSdeProcess.Kind,
        ColdProcess => ColdProcess.Kind,
        _ => process.GetType().Name,
    };

    private InvalidOperationException NotA(string what, string member) =>
        new($"{Folder} holds a {KindOf(Process)} model ({Card.Architecture}), not a {what}: {member} does not apply to it");
}
