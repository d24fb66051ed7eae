using System.Globalization;
using Diffusion.Engine;
using Diffusion.Training;

// The sampling command (environment/sample.sh wraps it):
//   Diffusion.Sample --model FOLDER [--sampler pc|em|ode|ddpm|ddim] [--steps N] [--n N] [--seed S] [--out FILE]
//                    [--snr R] [--tol T] [--eps E] [--threads N]
// Writes FILE.safetensors (the samples) and FILE.png (a grid) and prints the NFE and the seconds.
const string usage =
    "usage: sample.sh --model FOLDER [--sampler pc|em|ode|ddpm|ddim] [--steps N] [--n N] [--seed S] [--out FILE]\n" +
    "                 [--snr R] [--tol T] [--eps E] [--threads N]\n" +
    "  --model    a training output folder: model.safetensors + model.json (or checkpoint.*), e.g. data/checkpoints/ddpm-mnist;\n" +
    "             a DDPM UNet (all samplers; pc/em/ode on the VP SDE through its epsilon) or a VE NCSN++ (pc, em, ode)\n" +
    "  --sampler  pc: reverse-diffusion predictor + Langevin corrector; em: Euler-Maruyama; ode: probability flow (RK45);\n" +
    "             ddpm: ancestral; ddim: deterministic (eta 0). Default pc\n" +
    "  --steps    discretisation steps (default 1000; ode adapts its own and ignores it; pc on a DDPM model needs > 20)\n" +
    "  --n        number of samples (default 64)\n" +
    "  --out      output stem: writes FILE.safetensors and FILE.png (default out/samples/NAME-SAMPLER)\n" +
    "  --snr      Langevin signal-to-noise ratio (default 0.16; 0.075 for 256x256 models)\n" +
    "  --tol      ode rtol = atol (default 1e-5)\n" +
    "  --eps      the SDE samplers' last time (default 1e-3)\n";

var inv = CultureInfo.InvariantCulture;
string? model = null, output = null;
int? threads = null;
var options = new SamplingOptions();
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--model": model = Value(); break;
            case "--out": output = Value(); break;
            case "--sampler":
                string name = Value();
                options = options with
                {
                    Sampler = Enum.TryParse<SamplerKind>(name, ignoreCase: true, out var kind) && !int.TryParse(name, out _)
                        ? kind : throw new ArgumentException($"--sampler takes pc, em, ode, ddpm or ddim, not '{name}'"),
                };
                break;
            case "--steps": options = options with { Steps = int.Parse(Value(), inv) }; break;
            case "--n": options = options with { Count = int.Parse(Value(), inv) }; break;
            case "--seed": options = options with { Seed = ulong.Parse(Value(), inv) }; break;
            case "--snr": options = options with { Snr = double.Parse(Value(), inv) }; break;
            case "--tol": options = options with { Tolerance = double.Parse(Value(), inv) }; break;
            case "--eps": options = options with { Eps = double.Parse(Value(), inv) }; break;
            case "--threads": threads = int.Parse(Value(), inv); break;
            case "-h" or "--help": Console.Write(usage); return 0;
            default: throw new ArgumentException($"unknown argument '{args[i]}'");
        }
    }
    if (model is null)
    {
        throw new ArgumentException("--model FOLDER is required (e.g. data/checkpoints/ddpm-mnist)");
    }
    options.Validate();
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"sample: {e.Message}");
    Console.Error.Write(usage);
    return 2;
}

try
{
    TorchEngine.Initialize(threads ?? Environment.ProcessorCount);
    using var trained = TrainedModel.Load(model);
    string sampler = options.Sampler.ToString().ToLowerInvariant();
    output ??= Path.Combine("out", "samples", $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(model))}-{sampler}");
    Console.WriteLine($"sample: {trained.Card.Name} ({trained.Card.Architecture}, {trained.Network.parameters().Sum(p => p.numel()):N0} parameters, step {trained.Card.Steps}) " +
        $"from {trained.WeightsPath}; {TorchEngine.Describe()}; {options.Count} samples, {sampler}, seed {options.Seed}");
    using var result = trained.Sample(options);
    var metadata = new Dictionary<string, string>
    {
        ["model"] = trained.WeightsPath,
        ["seed"] = options.Seed.ToString(inv),
        ["steps"] = options.Steps.ToString(inv),
    };
    var (tensors, png) = SampleFiles.Write(output, result, metadata);
    Console.WriteLine($"sample: {result.Description}");
    Console.WriteLine(string.Create(inv,
        $"sample: NFE {result.Nfe}, {result.Seconds:0.00} s ({result.Seconds / options.Count:0.0000} s/sample) -> {tensors}, {png}"));
    return 0;
}
catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException)
{
    Console.Error.WriteLine($"sample: {e.Message}");
    return 1;
}
