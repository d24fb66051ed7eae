using System.Diagnostics;
using System.Globalization;
using Diffusion.Bench;
using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

// The C# side of the UNet training-step benchmark (see bench_torch.py for the identical PyTorch side).
// Usage: Diffusion.Bench [--threads N] [--warmup W] [--steps S] [--batch B] [--params-only]
//        Diffusion.Bench sampling [...]   (the sampling benchmark, see SamplingBench.cs)
//        Diffusion.Bench dps [...]        (the DPS benchmark, see DpsBench.cs)
//        Diffusion.Bench sde [...]        (the score-SDE benchmark: NCSN++ train step, PC sampler, ODE; see SdeBench.cs)
if (args.Length > 0 && args[0] == "sampling")
{
    return SamplingBench.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "dps")
{
    return DpsBench.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "sde")
{
    return SdeBench.Run(args[1..]);
}
int threads = 1, warmup = 3, steps = 10, batch = 128;
bool paramsOnly = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--steps": steps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--params-only": paramsOnly = true; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

TorchEngine.Initialize(threads);
manual_seed(0);
using var model = new Diffusion.Bench.UNet();
long parameterCount = model.parameters().Sum(p => p.numel());
Console.WriteLine($"c# {TorchEngine.Describe()}: UNet parameters {parameterCount}");
if (paramsOnly)
{
    return 0;
}
using var opt = optim.Adam(model.parameters(), lr: 2e-4);
const int T = 1000;
// alpha-bar_t = prod_{s<=t} (1 - beta_s), linear betas from 1e-4 to 0.02 (DDPM).
var abarValues = new float[T];
double prod = 1;
for (int i = 0; i < T; i++)
{
    prod *= 1 - (1e-4 + (0.02 - 1e-4) * i / (T - 1));
    abarValues[i] = (float)prod;
}
using var abar = tensor(abarValues);
using var x0 = (rand([batch, 1, 28, 28]) * 2 - 1).DetachFromDisposeScope();

double TrainStep()
{
    using var scope = NewDisposeScope();
    var t = randint(0, T, [batch]);
    var eps = randn_like(x0);
    var ab = abar.index_select(0, t).reshape(batch, 1, 1, 1);
    var xt = ab.sqrt() * x0 + (1.0 - ab).sqrt() * eps;
    var loss = nn.functional.mse_loss(model.forward(xt, t), eps);
    opt.zero_grad();
    loss.backward();
    opt.step();
    return loss.item<float>();
}

double ForwardOnly()
{
    using var scope = NewDisposeScope();
    using var noGrad = no_grad();
    var t = randint(0, T, [batch]);
    return model.forward(x0, t).sum().item<float>();
}

for (int i = 0; i < warmup; i++)
{
    TrainStep();
}
var train = new List<double>();
for (int i = 0; i < steps; i++)
{
    var sw = Stopwatch.StartNew();
    double loss = TrainStep();
    train.Add(sw.Elapsed.TotalMilliseconds);
    Console.WriteLine($"c# train step {i}: {train[^1]:F1} ms (loss {loss:F4})");
}
ForwardOnly();
var fwd = new List<double>();
for (int i = 0; i < steps; i++)
{
    var sw = Stopwatch.StartNew();
    ForwardOnly();
    fwd.Add(sw.Elapsed.TotalMilliseconds);
}
Console.WriteLine("c# forward (no grad): " + string.Join(" ", fwd.Select(v => v.ToString("F1", CultureInfo.InvariantCulture))) + " ms");
static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT csharp train_ms={Median(train):F3} forward_ms={Median(fwd):F3} train_min_ms={train.Min():F3} forward_min_ms={fwd.Min():F3} params={parameterCount} peak_rss_mb={ProcessMemory.PeakRssMb():F0}"));
return 0;
