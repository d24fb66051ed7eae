using Diffusion.Cold;
using Diffusion.Data;
using Diffusion.Ddpm;
using Diffusion.Inverse;
using Diffusion.Pretrained;
using Diffusion.Sampling;
using Diffusion.Score;
using Diffusion.Sde;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Pretrained;

/// <summary>
/// The outputs the golden test pins: every shipped model loaded from <c>data/checkpoints</c> and sampled by every sampler that
/// applies to it (two images each, fixed seeds, few steps), the posterior samplers and the denoising chain of the inverse
/// evaluation on the shipped prior, the cold samplers on the shipped restorer, and the loops without a shipped model (Langevin,
/// annealed Langevin, denoising score matching) on closed-form scores. Each case is a float32 CPU tensor.
/// </summary>
internal static class ShippedModelCases
{
    /// <summary>The recording, in the repository.</summary>
    public static string FixturePath => Path.Combine(Repository.Root(), "tests", "fixtures", "shipped-samples.safetensors");

    /// <summary>The folder of a shipped model.</summary>
    public static string Folder(string name) => Path.Combine(Repository.Root(), "data", "checkpoints", name);

    /// <summary>The DDPM models shipped in data/checkpoints.</summary>
    public static readonly string[] DdpmModels = ["ddpm-mnist", "ddpm-mnist-10k", "ddpm-mnist-all", "ddpm-fashion"];

    /// <summary>Runs every case; the caller owns the tensors.</summary>
    public static Dictionary<string, Tensor> Run()
    {
        var cases = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (string name in DdpmModels)
        {
            using var model = TrainedModel.Load(Folder(name));
            Add(cases, $"{name}/ddim:10", model, new SamplingOptions { Sampler = SamplerKind.Ddim, Steps = 10, Count = 2, Seed = 7 });
            Add(cases, $"{name}/ddpm:10", model, new SamplingOptions { Sampler = SamplerKind.Ddpm, Steps = 10, Count = 2, Seed = 7 });
        }
        using (var model = TrainedModel.Load(Folder("ddpm-mnist")))
        {
            Add(cases, "ddpm-mnist/pc:25", model, new SamplingOptions { Sampler = SamplerKind.Pc, Steps = 25, Count = 2, Seed = 8 });
            Add(cases, "ddpm-mnist/em:10", model, new SamplingOptions { Sampler = SamplerKind.Em, Steps = 10, Count = 2, Seed = 8 });
            Add(cases, "ddpm-mnist/ode:1e-2", model, new SamplingOptions { Sampler = SamplerKind.Ode, Count = 2, Seed = 8, Tolerance = 1e-2 });
        }
        using (var model = TrainedModel.Load(Folder("ncsnpp-mnist")))
        {
            Add(cases, "ncsnpp-mnist/pc:10", model, new SamplingOptions { Sampler = SamplerKind.Pc, Steps = 10, Count = 2, Seed = 9 });
            Add(cases, "ncsnpp-mnist/em:10", model, new SamplingOptions { Sampler = SamplerKind.Em, Steps = 10, Count = 2, Seed = 9 });
            Add(cases, "ncsnpp-mnist/ode:1e-2", model, new SamplingOptions { Sampler = SamplerKind.Ode, Count = 2, Seed = 9, Tolerance = 1e-2 });
        }
        AddDdpmSamplers(cases);
        AddInverse(cases);
        AddCold(cases);
        AddScore(cases);
        return cases;
    }

    private static void Add(Dictionary<string, Tensor> cases, string name, TrainedModel model, SamplingOptions options)
    {
        using var result = model.Sample(options);
        cases[name] = Keep(result.Samples);
        cases[name + "/nfe"] = Keep(tensor(new float[] { result.Nfe }));
    }

    /// <summary>A float32 CPU copy outside every dispose scope.</summary>
    private static Tensor Keep(Tensor t) => t.detach().to(ScalarType.Float32, CPU).clone().DetachFromDisposeScope();

    /// <summary>Two digits of the shipped MNIST in [−1, 1] (the first two of the 2,000 held-out ones).</summary>
    private static Tensor Digits(int count = 2)
    {
        using var all = Mnist.LoadNpm();
        var (train, test) = all.Split(2000, 1234);
        using (train)
        using (test)
        {
            return (test.Images.narrow(0, 0, count) * 2 - 1).DetachFromDisposeScope();
        }
    }

    /// <summary>The DDPM samplers' options beyond the sampling command's: fixed-small variance without clipping, DDIM with η = 1.</summary>
    private static void AddDdpmSamplers(Dictionary<string, Tensor> cases)
    {
        using var prior = TrainedModel.Load(Folder("ddpm-mnist"));
        using var scope = NewDisposeScope();
        var small = new DdpmSampler(prior.Schedule, VarianceType.FixedSmall, clipSample: false, spacing: TimestepSpacing.Trailing);
        small.SetTimesteps(10);
        using (var g = new Generator(21))
        {
            cases["ddpm-mnist/ddpm-small-trailing:10"] = Keep(small.Sample(prior.Epsilon, [2, 1, 28, 28], g));
        }
        var ddim = new DdimSampler(prior.Schedule, eta: 1.0, steps: 10, clipSample: true);
        using (var g = new Generator(22))
        {
            var trajectory = new List<float>();
            var x = ddim.Sample(prior.Epsilon, [2, 1, 28, 28], g, observer: s => trajectory.Add(s.PredOriginalSample!.sum().item<float>()));
            cases["ddpm-mnist/ddim-eta1-clip:10"] = Keep(x);
            cases["ddpm-mnist/ddim-eta1-clip:10/x0-sums"] = Keep(tensor(trajectory.ToArray()));
        }
    }

    /// <summary>SDEdit, ScoreALD and DPS on the shipped prior (inpainting and deblurring), and the denoising table's chain.</summary>
    private static void AddInverse(Dictionary<string, Tensor> cases)
    {
        using var prior = TrainedModel.Load(Folder("ddpm-mnist"));
        using var scope = NewDisposeScope();
        var x0 = Digits();
        foreach (var task in new[] { InverseTask.Inpainting(), InverseTask.Deblurring() })
        {
            using var measure = new Generator(30);
            var y = task.Operator.Measure(x0, 0.05, measure);
            using (var g = new Generator(31))
            {
                var sdedit = new SdEdit(prior.Schedule, new SdEditOptions { T0 = 0.5, Repeats = 2, Steps = 5 });
                cases[$"inverse/{task.Name}/sdedit"] = Keep(sdedit.Sample(prior.Epsilon, task.Operator, y, g));
            }
            using (var g = new Generator(32))
            {
                var ald = new ScoreAld(prior.Schedule, new ScoreAldOptions { Levels = 5, StepsPerLevel = 2, StepSize = InverseSettings.AldStepSize(5), SigmaY = 0.05 });
                cases[$"inverse/{task.Name}/score-ald"] = Keep(ald.Sample(prior.Epsilon, task.Operator, y, g));
            }
            using (var g = new Generator(33))
            {
                var options = new InverseSettings { DpsSteps = 8 }.DpsFor(task, prior.Schedule.T);
                var dps = new Dps(prior.Schedule, options);
                cases[$"inverse/{task.Name}/dps"] = Keep(dps.Sample(prior.Epsilon, task.Operator, y, g));
            }
        }
        var chains = new Dictionary<string, Tensor>();
        InverseEvaluation.Denoise(prior.Epsilon, prior.Schedule, x0, [100, 400], maxChainSteps: 6, seed: 34, onDenoised: (t, method, images) =>
        {
            if (method != "noisy")
            {
                chains[$"inverse/denoise/t{t}/{method}"] = Keep(images);
            }
        });
        foreach (var (name, t) in chains)
        {
            cases[name] = t;
        }
    }

    /// <summary>Algorithms 1 and 2 on the shipped blur restorer from s = 12, and generation from blur.</summary>
    private static void AddCold(Dictionary<string, Tensor> cases)
    {
        using var cold = TrainedModel.Load(Folder("cold-blur-mnist"));
        using var scope = NewDisposeScope();
        var x0 = Digits();
        var xs = cold.Degradation.Apply(x0, 12.0);
        var sums = new List<float>();
        cases["cold-blur-mnist/algorithm-1:12"] = Keep(new ColdAlgorithm1(cold.Degradation).Sample(cold.Restorer, xs, from: 12));
        cases["cold-blur-mnist/algorithm-2:12"] = Keep(new ColdAlgorithm2(cold.Degradation).Sample(cold.Restorer, xs, from: 12,
            observer: s => sums.Add(s.PredOriginalSample!.sum().item<float>())));
        cases["cold-blur-mnist/algorithm-2:12/x0-sums"] = Keep(tensor(sums.ToArray()));
        using var generation = BlurGeneration.Fit(x0, components: 1, seed: 40);
        using var g = new Generator(41);
        cases["cold-blur-mnist/generation"] = Keep(generation.Generate(cold.Restorer, cold.Degradation, 2, g));
    }

    /// <summary>Langevin and annealed Langevin on the score of N(0, σ_d² I) smoothed by σ, and two steps of DSM training.</summary>
    private static void AddScore(Dictionary<string, Tensor> cases)
    {
        using var scope = NewDisposeScope();
        ScoreFunction gaussian = (x, sigma) => -x / (sigma.unsqueeze(1).square() + 0.25);
        var start = randn([16, 2], generator: new Generator(50)) * 3;
        using (var g = new Generator(51))
        {
            var plain = Langevin.Sample(gaussian, start, sigma: 0.1, stepSize: 0.01, steps: 20, generator: g, recordEvery: 5);
            cases["score/langevin"] = Keep(plain.Samples);
            cases["score/langevin/snapshots"] = Keep(tensor(plain.Snapshots.SelectMany(s => s).ToArray()));
        }
        using (var g = new Generator(52))
        {
            var annealed = Langevin.Annealed(gaussian, start, NoiseLevels.Geometric(3, 0.1, 4), epsilon: 1e-3, stepsPerLevel: 5, generator: g);
            cases["score/annealed-langevin"] = Keep(annealed.Samples);
        }
        manual_seed(53);
        using var mlp = new Diffusion.Models.ScoreMlp(hidden: 16);
        var data = randn([64, 2], generator: new Generator(54));
        var dsm = new DenoisingScoreMatching(0.1, 1.0);
        var losses = dsm.Train(mlp, data, steps: 3, batchSize: 8, seed: 55, showProgress: false);
        cases["score/dsm-losses"] = Keep(tensor(losses));
    }
}
