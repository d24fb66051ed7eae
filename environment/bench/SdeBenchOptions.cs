using Diffusion.Engine;
using Diffusion.Recipes;
using Diffusion.Training;
using System.Globalization;

namespace Diffusion.Bench;

/// <summary>
/// The options of <c>Diffusion.Bench sde</c> (bench_sde.py takes the same):
/// <c>[--threads N] [--batch B] [--pc-steps K] [--train-steps S] [--ode-rtol R] [--weights FILE] [--save-weights FILE]</c>.
/// </summary>
internal sealed record SdeBenchOptions
{
    /// <summary>LibTorch's intra-op threads.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Samples per sampler run (and the training batch is always 64, as ncsnpp-mnist's).</summary>
    public int Batch { get; init; } = 64;

    /// <summary>K: the PC steps timed out of N = 1000 (the time is scaled by 1000/K when K &lt; 1000).</summary>
    public int PcSteps { get; init; } = 1000;

    /// <summary>S: the timed training steps (after <see cref="WarmupSteps"/>).</summary>
    public int TrainSteps { get; init; } = 10;

    /// <summary>Untimed training steps first.</summary>
    public int WarmupSteps { get; init; } = 2;

    /// <summary>rtol = atol of the probability-flow ODE's Dormand-Prince solver.</summary>
    public double OdeRtol { get; init; } = 1e-3;

    /// <summary>A safetensors file of NCSN++ weights to load (keys starting with <c>check.</c> are ignored); null: initialise.</summary>
    public string? Weights { get; init; }

    /// <summary>Where to write the weights used, with the forward check <c>check.x</c>, <c>check.sigma</c>, <c>check.y</c>.</summary>
    public string? SaveWeights { get; init; }

    /// <summary>Serve the tasks <c>train</c> and <c>pc-step</c> over the line protocol of <see cref="Worker"/> instead of the one-shot loops.</summary>
    public bool Serve { get; init; }

    /// <summary>The precision of the network's forward passes (training and sampling).</summary>
    public Precision Precision { get; init; }

    /// <summary>Parses <paramref name="args"/>; null (after a message on stderr) for an unknown argument.</summary>
    public static SdeBenchOptions? Parse(string[] args)
    {
        var o = new SdeBenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": o = o with { Threads = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--batch": o = o with { Batch = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--pc-steps": o = o with { PcSteps = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--train-steps": o = o with { TrainSteps = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--ode-rtol": o = o with { OdeRtol = double.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--weights": o = o with { Weights = args[++i] }; break;
                case "--save-weights": o = o with { SaveWeights = args[++i] }; break;
                case "--serve": o = o with { Serve = true }; break;
                case "--precision": o = o with { Precision = args[++i] == "default" ? new TrainerOptions().Precision : Precisions.Parse(args[i]) }; break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return null;
            }
        }
        return o;
    }
}
