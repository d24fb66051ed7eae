using System.Diagnostics;
using System.Globalization;
using Diffusion.Bench;
using Diffusion.Optim;
using Diffusion.Tensors;

// The C# side of the UNet training-step benchmark (see bench_torch.py for the identical PyTorch side).
// Usage: Diffusion.Bench [--threads N] [--warmup W] [--steps S] [--batch B] [--params-only]
//        Diffusion.Bench sampling [...]   (the sampling benchmark, see SamplingBench.cs)
if (args.Length > 0 && args[0] == "sampling")
{
    return SamplingBench.Run(args[1..]);
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

Torch.Threads = threads;
Torch.ManualSeed(0);
using var model = new UNet();
Console.WriteLine($"c# libtorch {Torch.Version}: UNet parameters {model.ParameterCount}, threads {Torch.Threads}");
if (paramsOnly)
{
    return 0;
}
using var opt = new Adam(model, lr: 2e-4);
const int T = 1000;
// alpha-bar_t = prod_{s<=t} (1 - beta_s), linear betas from 1e-4 to 0.02 (DDPM).
var abarValues = new float[T];
double prod = 1;
for (int i = 0; i < T; i++)
{
    prod *= 1 - (1e-4 + (0.02 - 1e-4) * i / (T - 1));
    abarValues[i] = (float)prod;
}
using var abar = Torch.FromArray(abarValues);
using var x0 = Torch.Rand([batch, 1, 28, 28]) * 2 - 1;

double TrainStep()
{
    using var scope = new TensorScope();
    var t = Torch.Randint(0, T, [batch]);
    var eps = Torch.RandnLike(x0);
    var ab = abar.IndexSelect(0, t).Reshape(batch, 1, 1, 1);
    var xt = ab.Sqrt() * x0 + ab.RSub(1.0).Sqrt() * eps;
    var loss = Functional.MseLoss(model.Forward(xt, t), eps);
    opt.ZeroGrad();
    loss.Backward();
    opt.Step();
    return loss.ToDouble();
}

double ForwardOnly()
{
    using var scope = new TensorScope();
    using var noGrad = Torch.NoGrad();
    var t = Torch.Randint(0, T, [batch]);
    return model.Forward(x0, t).Sum().ToDouble();
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
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT csharp train_ms={Median(train):F3} forward_ms={Median(fwd):F3} params={model.ParameterCount}"));
return 0;
