using System.CommandLine;
using System.Globalization;
using Diffusion.Engine;
using Diffusion.Pretrained;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>sample</c>: samples a trained model folder (a DDPM UNet with any sampler, a VE NCSN++ with pc, em or ode) and writes
/// FILE.safetensors (the samples) and FILE.png (a grid), with the NFE and the seconds taken.
/// </summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "a training output folder: model.safetensors + model.json (or checkpoint.*), e.g. data/checkpoints/ddpm-mnist; a DDPM UNet (every sampler: pc, em, ode on the VP SDE through its epsilon) or a VE NCSN++ (pc, em, ode)",
            Required = true,
        };
        var sampler = CliOptions.Sampler("the sampler (default pc:1000): pc = reverse-diffusion predictor + Langevin corrector, em = Euler-Maruyama, ode = probability flow (RK45), ddpm = ancestral, ddim = deterministic (eta 0); pc on a DDPM model needs more than 20 steps");
        var count = CliOptions.Int("--n", "number of samples", 64);
        var seed = CliOptions.Seed("seeds x_T and every noise draw (default 0)");
        var output = new Option<string?>("--out") { Description = "output stem: writes FILE.safetensors and FILE.png (default out/samples/MODEL-SAMPLER)" };
        var snr = CliOptions.OptionalDouble("--snr", "Langevin signal-to-noise ratio of pc (default 0.16; 0.075 for 256x256 models)", 0);
        var eps = CliOptions.OptionalDouble("--eps", "the SDE samplers' last time (default 1e-3)", 0, 1);
        var threads = CliOptions.Threads();
        var command = new Command("sample", "Sample a trained model with any sampler; writes the samples (safetensors) and a PNG grid.")
        {
            model, sampler, count, seed, output, snr, eps, threads,
        };
        command.SetAction(p => Run(p.GetValue(model)!, p.GetValue(sampler), p.GetValue(count), p.GetValue(seed) ?? 0, p.GetValue(output),
            p.GetValue(snr), p.GetValue(eps), p.GetValue(threads)));
        return command;
    }

    private static int Run(string model, SamplerChoice? sampler, int count, ulong seed, string? output, double? snr, double? eps, int? threads)
    {
        var inv = CultureInfo.InvariantCulture;
        var choice = sampler ?? new SamplerChoice("pc:1000", new SamplingOptions { Sampler = SamplerKind.Pc, Steps = 1000 });
        var options = choice.Options with { Count = count, Seed = seed, Snr = snr, Eps = eps ?? choice.Options.Eps };
        TorchEngine.Initialize(threads ?? Environment.ProcessorCount);
        using var trained = TrainedModel.Load(model);
        if (!trained.Samplers.Contains(options.Sampler))
        {
            throw new UsageException($"--sampler {choice.Name}: {model} holds a VE NCSN++ score model, which takes pc, em or ode");
        }
        string kind = options.Sampler.ToString().ToLowerInvariant();
        output ??= Path.Combine("out", "samples", $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(model))}-{kind}");
        Console.WriteLine($"sample: {trained.Card.Name} ({trained.Card.Architecture}, {trained.Network.parameters().Sum(p => p.numel()):N0} parameters, step {trained.Card.Steps}) " +
            $"from {trained.WeightsPath}; {TorchEngine.Describe()}; {options.Count} samples, {choice.Name}, seed {options.Seed}");
        SamplingResult result;
        using (var bar = new FractionProgress($"sample {choice.Name}"))
        {
            result = trained.Sample(options, bar.Callback);
        }
        using (result)
        {
            var metadata = new Dictionary<string, string>
            {
                ["model"] = trained.WeightsPath,
                ["seed"] = options.Seed.ToString(inv),
                ["sampler_spec"] = choice.Name,
                ["steps"] = options.Steps.ToString(inv),
            };
            var (tensors, png) = SampleFiles.Write(output, result, metadata);
            Console.WriteLine($"sample: {result.Description}");
            Console.WriteLine(string.Create(inv,
                $"sample: NFE {result.Nfe}, {result.Seconds:0.00} s ({result.Seconds / options.Count:0.0000} s/sample) -> {tensors}, {png}"));
        }
        return 0;
    }
}
