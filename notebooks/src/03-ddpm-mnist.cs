// %% [markdown]
// # 03 · DDPM on MNIST
//
// The course's first real image model: a denoising diffusion probabilistic model (Ho, Jain and Abbeel 2020) on MNIST
// digits. This notebook
//
// 1. shows **Algorithm 1** (training) next to the code that implements it, and trains a small UNet for a few hundred
//    steps to watch the training and validation losses fall;
// 2. loads the **shipped checkpoint** (a UNet trained on this CPU by the course tool's `train` command; its card says how)
//    and samples it in both profiles (the fast one draws fewer samples);
// 3. shows **Algorithm 2** (ancestral sampling) next to `DdpmSampler`, sample grids and the reverse trajectory;
// 4. compares DDPM with **DDIM** at several step counts: seconds and FID against held-out digits;
// 5. decodes linear and spherical interpolations between two noises, as the anonymous paper "Generating Images with
//    Denoising Diffusion Probabilistic Model" does, picks its "best samples" by a perceptual distance, and looks up the
//    nearest training digits of samples.
//
// Every claim is checked by a number the cell prints. Heavy work lives in the library (`Diffusion.Lib`).

// %%
#r "../bin/Release/net10.0/Diffusion.Lib.dll"
using System.IO;   // .NET Interactive does not import it by default
using TorchSharp;
using static TorchSharp.torch;
using Diffusion.Engine;
using Diffusion.Data;
using Diffusion.Ddpm;
using Diffusion.Hosting;
using Diffusion.Metrics;
using Diffusion.Models;
using Diffusion.Plotting;
using Diffusion.Pretrained;
using Diffusion.Recipes;
using Diffusion.Training;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

// Loads TorchSharp's engine (LibTorch 2.10) on every core, seeds 0, says the profile; DIFFUSION_THREADS=1 on a busy machine.
var course = Course.Start();

// %% [markdown]
// ## The data
//
// The course's 10,000 MNIST digits (28 × 28, pixels in [0, 1]). We split them as the FID feature network does
// (`Split(2000, seed 1234)`): 8,000 to train on, 2,000 held out to judge samples. DDPM works on pixels in $[-1, 1]$,
// so $x = 2p - 1$.

// %%
var mnist = Mnist.LoadNpm();
var (trainSet, testSet) = mnist.Split(2000, 1234);
var trainImages = trainSet.Images * 2.0 - 1.0;   // [8000, 1, 28, 28] in [-1, 1]
var testImages = testSet.Images * 2.0 - 1.0;     // [2000, 1, 28, 28]
Console.WriteLine($"{mnist.Name}: train {Shapes.Format(trainImages)}, held out {Shapes.Format(testImages)}");
using (var first = trainImages.narrow(0, 0, 16)) Images.Show(first, nrow: 16, title: "The first 16 training digits");

// %% [markdown]
// ## Algorithm 1: training
//
// The forward process noises a clean image in one jump (eq. 4): with $\bar\alpha_t = \prod_{s \le t}(1 - \beta_s)$,
//
// $$x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon,\qquad \varepsilon\sim\mathcal N(0, I).$$
//
// The network $\varepsilon_\theta(x_t, t)$ learns to predict the noise. Ho et al.'s Algorithm 1:
//
// | Algorithm 1 (Ho et al. 2020) | code |
// |---|---|
// | **repeat** | `trainer.TrainStep()`, in a loop |
// | $x_0 \sim q(x_0)$ | the batch source: rows of `trainImages` |
// | $t \sim \mathrm{Uniform}(\{1, \dots, T\})$ | `torch.randint(0, T, [B])` in `DdpmLoss.Compute` (0-based) |
// | $\varepsilon \sim \mathcal N(0, I)$ | `torch.randn_like(x0)` |
// | gradient step on $\nabla_\theta \big\|\varepsilon - \varepsilon_\theta(\sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon, t)\big\|^2$ | `nn.functional.mse_loss(model(xt, t), ε)`, then `torch.optim.Adam` in the `Trainer` |
// | **until** converged | `TrainerOptions.Steps` |
//
// First, the loss of one batch written out by hand against `DdpmLoss` with the same $t$ and $\varepsilon$:
//
// $$L_\text{simple} = \mathbb E_{t, x_0, \varepsilon}\,\big\|\varepsilon - \varepsilon_\theta(\sqrt{\bar\alpha_t}x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon,\ t)\big\|^2 .$$

// %%
var schedule = NoiseSchedule.Linear(1000);   // β_1 … β_T linear from 1e-4 to 0.02, T = 1000
var ddpmLoss = new DdpmLoss(schedule);
var demoConfig = UNetConfig.MnistTiny;       // channels 16/32/32, one block per level: small enough to train here
var demo = new UNet(demoConfig);
long ParameterCount(nn.Module m) => m.parameters().Sum(p => p.numel());
Console.WriteLine($"demo model: {demoConfig} ({ParameterCount(demo):N0} parameters)");
using (var scope = NewDisposeScope())
using (var g = new torch.Generator(11))
{
    var x0 = trainImages.narrow(0, 0, 16);
    var t = randint(0, schedule.T, [16], generator: g);
    var eps = randn(x0.shape, generator: g);
    var abar = NoiseSchedule.Extract(schedule.AlphaBars, t, x0);            // ᾱ_t per row, broadcast to x0's shape
    var byHand = (eps - demo.forward(abar.sqrt() * x0 + (1.0 - abar).sqrt() * eps, t)).square().mean().item<float>();
    Check.Near(ddpmLoss.Compute(demo.forward, x0, t, eps).item<float>(), byHand, 1e-5, "DdpmLoss equals L_simple written out by hand");
}

// %% [markdown]
// Now the loop. The `Trainer` adds what a real run needs around Algorithm 1: Adam with a linear warm-up, gradient
// clipping at norm 1, an exponential moving average (EMA) of the weights for sampling, and seeded batches (it also writes
// and resumes checkpoints; the training command uses that). Every 25 steps the cell also measures the loss on 256
// **held-out** digits with fixed $t$ and $\varepsilon$, as the MA4530 project poster "Image Denoising via Advanced Diffusion
// Generative Modeling" (2023/24) plots training and validation loss side by side: a validation loss that rises while the
// training loss falls is overfitting.

// %%
int demoSteps = 300;
var trainer = new Trainer(demo, (batch, g) => ddpmLoss.Compute(demo, batch, g), BatchSources.RandomRows(trainImages, 32),
    new TrainerOptions { Steps = demoSteps, BatchSize = 32, LearningRate = 1e-3, WarmupSteps = 30, GradClip = 1.0, EmaDecay = 0.99, Seed = 3 });
var validationLosses = new List<(double Step, double Loss)>();
using (var g = new torch.Generator(12))
using (var heldT = randint(0, schedule.T, [256], generator: g))
using (var heldEps = randn([256, 1, 28, 28], generator: g))
using (var heldX0 = testImages.narrow(0, 0, 256))
{
    double ValidationLoss() { using var noGrad = no_grad(); demo.eval(); using var loss = ddpmLoss.Compute(demo.forward, heldX0, heldT, heldEps); return loss.item<float>(); }
    validationLosses.Add((0, ValidationLoss()));
    foreach (int step in Progress.Over(Enumerable.Range(1, demoSteps).ToList(), "Algorithm 1"))
    {
        trainer.TrainStep();
        if (step % 25 == 0) validationLosses.Add((step, ValidationLoss()));
    }
}
double[] demoLosses = trainer.Losses.ToArray();
Check.Below(demoLosses.TakeLast(50).Average(), 0.5 * demoLosses.Take(20).Average(), "the training loss fell by half (last 50 steps; bound: half the first 20)");
Check.Below(validationLosses[^1].Loss, 0.5 * validationLosses[0].Loss, "the validation loss fell by half too (no overfitting yet)");
Figures.LossCurve(demoLosses, window: 20, title: $"L<sub>simple</sub> of the demo UNet ({demoSteps} steps, batch 32)", validation: validationLosses).WithSize(720, 380)

// %% [markdown]
// The loss starts near 1 (predicting $\varepsilon = 0$ scores $\mathbb E\|\varepsilon\|^2/d = 1$) and falls fast as the
// network learns to see the noise at large $t$; it does not go to zero, because at small $t$ the noise is a tiny part of
// $x_t$ and hard to tell from the digit.
//
// ## The model we sample from
//
// A few hundred steps of a small model make blurry strokes at best (its FID is measured below, as a baseline). Everything
// from here on samples the **shipped checkpoint**: the `ddpm-mnist` config trained on this 2-core CPU by the training
// command, in both profiles (the fast one draws fewer samples). Its model card says how it was trained.

// %%
string modelFolder = Environment.GetEnvironmentVariable("DIFFUSION_DDPM_MNIST") ?? "../data/checkpoints/ddpm-mnist";
if (!File.Exists(Path.Combine(modelFolder, "model.safetensors")))
    throw new FileNotFoundException($"the shipped model '{Path.GetFullPath(modelFolder)}' is missing. Train it (about 5 hours on 2 cores) from the repository root with\n"
        + "  dotnet run --project environment/cli -- train --config ddpm-mnist --steps 10000 --out data/checkpoints/ddpm-mnist-10k --threads 2\n"
        + "  dotnet run --project environment/cli -- train --config ddpm-mnist --init data/checkpoints/ddpm-mnist-10k --steps 3000 --seed 1 --lr 2e-4 --warmup 100 --ema 0.999 --out data/checkpoints/ddpm-mnist --threads 2");
// One call loads the network and the process it was trained for (the card's "process" section).
var shipped = TrainedModel.Load(modelFolder);
var card = shipped.Card;
var model = shipped.Network;
// The samplers below use the schedule the model was trained with, read from its card: the one of Algorithm 1 above.
Check.That(shipped.Schedule.AlphaBars.SequenceEqual(schedule.AlphaBars), "the shipped model was trained with the schedule of Algorithm 1 above", shipped.Process.Description);
schedule = shipped.Schedule;
model.eval();   // dropout off for sampling
Console.WriteLine($"{card.Name}: {card.Parameters:N0} parameters, {card.Steps:N0} steps, {card.WallTimeSeconds / 3600:F1} h of training, final loss {card.FinalLoss:F4}");
Console.WriteLine($"  data: {card.Data}\n  command: {card.Command}");
Check.That(card.Parameters == ParameterCount(model), "the card's architecture rebuilds the network it describes", $"{ParameterCount(model):N0} parameters");

// %% [markdown]
// ## Algorithm 2: sampling
//
// The reverse process starts from pure noise and removes it one step at a time:
//
// | Algorithm 2 (Ho et al. 2020) | code (`Sampler.Sample`, `DdpmSampler.Step`) |
// |---|---|
// | $x_T \sim \mathcal N(0, I)$ | `torch.randn(shape, generator: g)` |
// | **for** $t = T, \dots, 1$ **do** | `foreach t in sampler.Timesteps` (999 … 0, 0-based) |
// | $z \sim \mathcal N(0, I)$ if $t > 1$, else $z = 0$ | `torch.randn(x.shape, generator: g)` except at the last step |
// | $x_{t-1} = \frac{1}{\sqrt{\alpha_t}}\big(x_t - \frac{1-\alpha_t}{\sqrt{1-\bar\alpha_t}}\,\varepsilon_\theta(x_t, t)\big) + \sigma_t z$ | `Step(model(x, t), t, x)` |
// | **return** $x_0$ | the final $x$ |
//
// with $\sigma_t^2 = \beta_t$ ("fixed large", the default) or $\tilde\beta_t = \beta_t(1-\bar\alpha_{t-1})/(1-\bar\alpha_t)$
// ("fixed small"). `DdpmSampler` computes the same mean through the estimate
// $\hat x_0 = (x_t - \sqrt{1-\bar\alpha_t}\,\hat\varepsilon)/\sqrt{\bar\alpha_t}$ (Ho et al., eq. 15) and the posterior mean
// $\tilde\mu_t(x_t, \hat x_0)$ (eq. 7), which lets it clip $\hat x_0$ to $[-1, 1]$ as Ho et al.'s code does. Without
// clipping the two forms agree; checked here on one step with the same $z$:

// %%
using (var scope = NewDisposeScope())
using (var noGrad = no_grad())
using (var g5 = new torch.Generator(5))
using (var g6 = new torch.Generator(6))
using (var g6again = new torch.Generator(6))
{
    int t = 500;
    var x = randn([4, 1, 28, 28], generator: g5);
    var eps = model.forward(x, NoiseSchedule.Steps(t, 4));
    var library = new DdpmSampler(schedule, clipSample: false).Step(eps, t, x, g6).PrevSample;
    double alpha = schedule.Alphas[t], abar = schedule.AlphaBars[t];
    var algorithm2 = (x - eps * ((1 - alpha) / Math.Sqrt(1 - abar))) / Math.Sqrt(alpha) + randn(x.shape, generator: g6again) * Math.Sqrt(schedule.Betas[t]);
    Check.Below((library - algorithm2).abs().max().item<float>(), 1e-4, "DdpmSampler.Step equals Algorithm 2's line at t = 500 (max |difference|)");
}

// %% [markdown]
// ### Samples and the reverse trajectory
//
// 1000 ancestral steps from $x_T$. The observer of `Sample` sees every step; we keep $x_t$ and the current guess
// $\hat x_0$ of four samples every 100 steps.

// %%
int gridCount = CourseProfile.Pick(fast: 8, full: 64);
var ddpm = new DdpmSampler(schedule);
var trajectory = new List<(int T, Tensor X, Tensor X0)>();
var gridGenerator = new torch.Generator(2024);
var clock = System.Diagnostics.Stopwatch.StartNew();
var samples = ddpm.Sample(model, [gridCount, 1, 28, 28], gridGenerator, observer: step =>
{
    if (step.Index % 100 == 0 || step.Index == step.Count - 1)
        trajectory.Add((step.Timestep, step.Sample.narrow(0, 0, 4).clone().DetachFromDisposeScope(), step.PredOriginalSample.narrow(0, 0, 4).clone().DetachFromDisposeScope()));
}, showProgress: true);
double gridSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"{gridCount} samples × 1000 DDPM steps: {gridSeconds:F1} s ({1000 * gridSeconds / ddpm.StepCount:F0} ms per step of the batch)");
Images.Show(samples, nrow: 16, title: $"{gridCount} DDPM samples of {card.Name} (1000 steps)");

// %% [markdown]
// Below: four samples from $x_T$ (left) to $x_0$ (right) every 100 steps, first $x_t$, then the model's running guess
// $\hat x_0$ at the same steps. The guess settles long before the noise is gone: the coarse shape is decided at large $t$,
// the strokes at small $t$. **Check:** halfway down the chain the guess $\hat x_0$ is already closer to the final sample
// than $x_t$ is.

// %%
string[] stepLabels = trajectory.Select(s => $"t={s.T + 1}").ToArray();
string[] sampleLabels = ["sample 1", "sample 2", "sample 3", "sample 4"];
using (var xs = stack(trajectory.Select(s => s.X.clamp(-1, 1)).ToList(), 1).reshape(-1, 1, 28, 28))
    Images.Show(xs, nrow: trajectory.Count, rowLabels: sampleLabels, columnLabels: stepLabels, title: "x_t (clipped to [−1, 1])");
using (var guesses = stack(trajectory.Select(s => s.X0).ToList(), 1).reshape(-1, 1, 28, 28))
    Images.Show(guesses, nrow: trajectory.Count, rowLabels: sampleLabels, columnLabels: stepLabels, title: "the guess x̂_0 at the same steps");
double Rms(Tensor a, Tensor b) { using var d = a - b; return d.square().mean().sqrt().item<float>(); }
var final4 = trajectory[^1].X;
var mid = trajectory.MinBy(s => Math.Abs(s.T - 500));
Check.Less(Rms(mid.X0, final4), $"RMS(x̂_0 − x_0) at t={mid.T + 1}", Rms(mid.X, final4), "RMS(x_t − x_0)", "the guess settles before the noise is gone");
foreach (var (_, x, x0) in trajectory) { x.Dispose(); x0.Dispose(); }

// %% [markdown]
// ## DDIM: fewer steps
//
// DDIM (Song, Meng and Ermon 2021) keeps the trained $\varepsilon_\theta$ and replaces the Markov chain by a
// non-Markovian one with the same marginals $q(x_t \mid x_0)$. A step from $t$ to an earlier $s$ (any subsequence of the
// timesteps) is
//
// $$x_s = \sqrt{\bar\alpha_s}\,\hat x_0 + \sqrt{1-\bar\alpha_s-\sigma_t^2}\;\hat\varepsilon + \sigma_t z,\qquad
//   \hat x_0 = \frac{x_t - \sqrt{1-\bar\alpha_t}\,\hat\varepsilon}{\sqrt{\bar\alpha_t}},$$
//
// $$\sigma_t = \eta\,\sqrt{\frac{1-\bar\alpha_s}{1-\bar\alpha_t}}\sqrt{1-\frac{\bar\alpha_t}{\bar\alpha_s}} .$$
//
// With $\eta = 0$ the sampler draws no noise at all: the same $x_T$ always gives the same image, so $x_T$ is a code for
// the image. **Check:** from one $x_T$ with two *different* generators, DDIM ($\eta = 0$) gives the same bits, while DDPM
// on the same 10 steps gives different images (a sampler that drew noise at $\eta = 0$ would fail the first).

// %%
var ddim10 = new DdimSampler(schedule, eta: 0.0, steps: 10);
var ddpm10 = new DdpmSampler(schedule);
ddpm10.SetTimesteps(10);
Console.WriteLine("DDIM 10 timesteps: " + string.Join(", ", ddim10.Timesteps));
using (var scope = NewDisposeScope())
{
    using var g = new torch.Generator(99);
    var xT = randn([4, 1, 28, 28], generator: g);
    Func<Sampler, ulong, Tensor> Run = (sampler, seed) => { using var noise = new torch.Generator(seed); return sampler.Sample(model, xT.clone(), noise); };   // a lambda: .NET Interactive shows <null> for a cell whose block declares a local function
    Check.Below((Run(ddim10, 1) - Run(ddim10, 2)).abs().max().item<float>(), 1e-6, "DDIM (η = 0) maps one x_T to one image whatever the generator (max |difference|)");
    Check.Above((Run(ddpm10, 1) - Run(ddpm10, 2)).abs().max().item<float>(), 0.1, "DDPM draws fresh noise: the same x_T gives different images (max |difference|)");
}

// %% [markdown]
// ### DDPM against DDIM: time and FID
//
// **FID** (Heusel et al. 2017) fits Gaussians $\mathcal N(\mu_r, \Sigma_r)$, $\mathcal N(\mu_g, \Sigma_g)$ to features of
// real and generated images and measures
//
// $$\text{FID} = \|\mu_r-\mu_g\|^2 + \operatorname{Tr}\big(\Sigma_r + \Sigma_g - 2(\Sigma_r^{1/2}\Sigma_g\Sigma_r^{1/2})^{1/2}\big).$$
//
// Instead of Inception we use the project's MNIST classifier (`data/checkpoints/mnist-fid-classifier`, 128 penultimate
// features). FID depends on the sample count $N$ (it is biased upwards, more so for small $N$), so every row uses the same
// $N$ and the **floor** is the FID of $N$ held-out real digits against another $N$: what a perfect generator would score.
// FIDs at different $N$ are not comparable: the fast profile's $N = 100$ rows say nothing about the model card's
// 1,000-sample values except through their floors. The reference set is the first $N$ of the 2,000 held-out digits, the
// floor set the next $N$; they are held out from the FID classifier and from the shipped DDPM.
//
// DDPM with fewer than 1000 steps uses the respaced chain of Nichol and Dhariwal (2021) ($\beta' = 1 - \bar\alpha_t/\bar\alpha_s$).
// The last row is the demo model trained above, sampled the same way: the baseline any real model must beat.

// %%
int fidCount = CourseProfile.Pick(fast: 100, full: 1000);
var fidNetwork = FeatureNetwork.Load("../data/checkpoints/mnist-fid-classifier.safetensors");
var realFeatures = fidNetwork.Features(testImages.narrow(0, 0, fidCount));
var floorFeatures = fidNetwork.Features(testImages.narrow(0, fidCount, fidCount));
double fidFloor = Fid.Compute(realFeatures, floorFeatures);
Console.WriteLine($"FID network: {fidNetwork.Name}, {fidNetwork.FeatureDimension} features; N = {fidCount}; real-vs-real floor {fidFloor:F2}");

Tensor Generate(nn.Module<Tensor, Tensor, Tensor> net, Sampler sampler, int count, ulong seed, int batch = 250)
{
    using var scope = NewDisposeScope();
    using var g = new torch.Generator(seed);
    var parts = new List<Tensor>();
    for (int start = 0; start < count; start += batch)
        parts.Add(sampler.Sample(net, [Math.Min(batch, count - start), 1, 28, 28], g));
    return cat(parts, 0).clamp(-1, 1).MoveToOuterDisposeScope();   // to the pixel range (DDIM does not clip its last step)
}

// %%
var ddpm100 = new DdpmSampler(schedule);
ddpm100.SetTimesteps(100);   // the 1000-step chain is timed on the grid above
var demoEma = new UNet(demoConfig);
trainer.Ema.CopyTo(demoEma);
demoEma.eval();
var rows = CourseProfile.Pick<(string Name, nn.Module<Tensor, Tensor, Tensor> Net, Sampler Sampler)[]>(
    fast: [("DDPM 100", model, ddpm100), ("DDIM 10", model, ddim10), ("DDIM 50", model, new DdimSampler(schedule, steps: 50)), ("demo, DDIM 50", demoEma, new DdimSampler(schedule, steps: 50))],
    full: [("DDPM 100", model, ddpm100), ("DDIM 10", model, ddim10), ("DDIM 25", model, new DdimSampler(schedule, steps: 25)), ("DDIM 50", model, new DdimSampler(schedule, steps: 50)),
           ("demo, DDIM 50", demoEma, new DdimSampler(schedule, steps: 50))]);
var results = new List<(string Name, double Seconds, double Fid)>();
Tensor ddim50Samples = null!;
foreach (var (name, net, sampler) in Progress.Over(rows, "samplers"))
{
    var sw = System.Diagnostics.Stopwatch.StartNew();
    var generated = Generate(net, sampler, fidCount, seed: 7);
    double seconds = sw.Elapsed.TotalSeconds;
    using (var features = fidNetwork.Features(generated)) results.Add((name, seconds, Fid.Compute(realFeatures, features)));
    if (name == "DDIM 50") ddim50Samples = generated; else generated.Dispose();
}
demoEma.Dispose();
Console.WriteLine($"{"sampler",-14} {"s/sample",9} {"FID",8}   (N = {fidCount}; floor {fidFloor:F2})");
foreach (var r in results) Console.WriteLine($"{r.Name,-14} {r.Seconds / fidCount,9:F3} {r.Fid,8:F2}");
double Row(string name) => results.Single(r => r.Name == name).Fid;
Check.Above(results.Min(r => r.Fid), fidFloor, "every sampler scores above the real-vs-real floor");
Check.Below(Row("DDIM 50"), 0.5 * Row("demo, DDIM 50"), "the shipped model is far closer to the digits than 300 steps of the demo (FID; bound: half the demo's)");
if (!CourseProfile.IsFast)
{
    // A broken or undertrained checkpoint fails here; the last few FID points are the model's business (its card).
    Check.Below(Row("DDIM 50"), 45, "the shipped model's DDIM-50 FID at N = 1000 is below 45");
    Check.Above(Row("DDIM 50"), 1.5 * fidFloor, "DDIM-50 FID is not suspiciously close to the floor (memorisation or a leak)");
}

// %%
Chart.Column<double, string, string>(results.Select(r => r.Fid).Append(fidFloor).ToArray(), Keys: results.Select(r => r.Name).Append("real (floor)").ToArray(), Name: "FID")
    .WithTitle($"FID at N = {fidCount} (lower is better; comparable only with the floor at the same N)").WithAxisTitles(y: "FID").WithSize(720, 380)

// %% [markdown]
// What the model card says, at 1,000 samples (the card's sampler against DDPM with 100 steps; printed from
// `data/checkpoints/ddpm-mnist/model.json`, never typed):

// %%
double cardFid = card.Metrics["fid"]!.GetValue<double>(), cardDdpm100 = card.Metrics["fid_ddpm_100"]!.GetValue<double>();
Console.WriteLine($"{card.Name} card ({card.Metrics["fid_samples"]} samples, floor {card.Metrics["fid_floor"]}): {card.Metrics["sampler"]} FID {cardFid}, ddpm-100 FID {cardDdpm100}");
Console.WriteLine(cardFid < cardDdpm100
    ? $"on this model DDIM 50 beats DDPM 100 ({cardFid} < {cardDdpm100}), as Song et al. report for their trained models"
    : $"on this model DDPM 100 beats DDIM 50 ({cardDdpm100} < {cardFid}): Song et al.'s ordering (DDIM ahead at few steps) does not hold here");

// %% [markdown]
// Reading the numbers: a sampling step costs one network evaluation whatever the sampler, so time is proportional to
// steps. Song et al. (2021, Table 1) found DDIM's deterministic steps better than ancestral DDPM's at small step counts on
// CIFAR-10 and CelebA: a respaced DDPM step with $\sigma^2 = \beta'$ adds back fresh noise that later steps must remove.
// Whether that ordering holds for the shipped model is printed above from its card; where it does not, the causes are
// under measurement in the model's card and training campaign (how accurate $\varepsilon_\theta$ is at large $t$, and DDPM
// clipping $\hat x_0$ at every step while DDIM here does not).
//
// How the shipped model got there: its folder keeps `fid-curve.json`, the DDIM-50 FID of its EMA weights at points of its
// training (each point with its sample count, floor and a note on the stage). The first point is far off because the EMA
// starts at the random initial weights and still held a few percent of them.

// %%
var fidCurve = FidCurve.Load("../data/checkpoints/ddpm-mnist/fid-curve.json");
Check.That(fidCurve.Count >= 3 && fidCurve.All(p => p.Fid > p.FidFloor), "fid-curve.json holds its points, each above its floor", $"{fidCurve.Count} points");
foreach (var point in fidCurve.Where(p => p.Note is not null)) Console.WriteLine($"step {point.Step,6}: {point.Note}");
Figures.Curves([
        new Curve($"{fidCurve[0].Sampler}, {fidCurve[0].Samples} samples", fidCurve.Select(p => p.Fid).ToArray(), fidCurve.Select(p => (double)p.Step).ToArray()),
        new Curve("floor (real vs real)", fidCurve.Select(p => p.FidFloor).ToArray(), fidCurve.Select(p => (double)p.Step).ToArray(), Dashed: true)],
    xTitle: "training steps", yTitle: "FID", logY: true, markers: true, title: "The shipped model's FID against training steps").WithSize(720, 380)

// %%
using (var shown = ddim50Samples.narrow(0, 0, 32)) Images.Show(shown, nrow: 16, title: "DDIM 50 steps, η = 0");

// %% [markdown]
// ## Interpolating between two noises
//
// With $\eta = 0$ DDIM maps $x_T$ to an image deterministically, so a path between two noises decodes to a path between
// two images. The anonymous paper "Generating Images with Denoising Diffusion Probabilistic Model" interpolates its input
// noises **linearly** and reports realistic midpoints (on LSUN churches at 48 × 48). Linear interpolation leaves the
// shell where Gaussian noise lives: for independent $a, b \sim \mathcal N(0, I_d)$ the midpoint $(a + b)/2$ has norm about
// $\sqrt{d/2}$, while the noise the model was trained on has norm about $\sqrt d = 28$ ($d = 784$). Spherical
// interpolation (Shoemake 1985), with $\cos\theta = \langle a, b\rangle/(\|a\|\|b\|)$,
//
// $$\operatorname{slerp}(a, b;\lambda) = \frac{\sin((1-\lambda)\theta)}{\sin\theta}\,a + \frac{\sin(\lambda\theta)}{\sin\theta}\,b,$$
//
// stays on it. **Check** both norms on the first pair, then decode both paths with the same DDIM.

// %%
int points = 9;
Tensor ends;
using (var g31 = new torch.Generator(31)) ends = randn([4, 1, 28, 28], generator: g31);
var interpolation = new List<(string Label, Tensor Path)>();
for (int p = 0; p < 2; p++)
{
    using var a = ends[2 * p];
    using var b = ends[2 * p + 1];
    interpolation.Add(($"pair {p + 1}, linear", Interpolation.Path(a, b, points, spherical: false)));
    interpolation.Add(($"pair {p + 1}, slerp", Interpolation.Path(a, b, points)));
}
double Norm(Tensor t) => t.norm().item<float>();
using (var lerpMid = interpolation[0].Path[points / 2]) using (var slerpMid = interpolation[1].Path[points / 2]) using (var a0 = ends[0])
{
    Check.Below(Norm(lerpMid), 0.8 * Norm(a0), "the linear midpoint leaves the noise shell (‖midpoint‖; bound 0.8‖a‖)");
    Check.Near(Norm(slerpMid), Norm(a0), 0.05 * Norm(a0), "the slerp midpoint stays on it (‖midpoint‖ vs ‖a‖)");
}

// %%
var interpolationSampler = new DdimSampler(schedule, eta: 0.0, steps: CourseProfile.Pick(fast: 20, full: 50));
var decoded = interpolation.Select(r => (r.Label, Images: interpolationSampler.Sample(model, r.Path).clamp(-1, 1))).ToList();
Images.ShowRows(decoded, columnLabels: Enumerable.Range(0, points).Select(i => $"λ = {i}/{points - 1}").ToArray(),
    title: $"Linear and spherical paths between two noises, decoded by DDIM {interpolationSampler.StepCount} (η = 0)");

// %% [markdown]
// Do the linear midpoints, which the model never saw as noise, still decode to digits? How digit-like the decoded
// midpoints are, measured: the MNIST classifier's confidence (its largest softmax probability) and the image's contrast,
// the mean $|x|$ (1 for a black-and-white digit, 0 for flat grey). **Check** the anonymous paper's observation in this
// setting: the midpoints of both paths are digits the classifier is sure of (confidence above 0.9).

// %%
var classifier = (MnistClassifier)fidNetwork.Module;
(double Confidence, double Contrast) Midpoints(string kind)
{
    using var scope = NewDisposeScope();
    using var noGrad = no_grad();
    var mids = cat(decoded.Where(d => d.Label.EndsWith(kind)).Select(d => d.Images.narrow(0, 2, points - 4)).ToList(), 0);   // λ from 2/8 to 6/8
    return (classifier.Confidence(mids).mean().item<float>(), mids.abs().mean().item<float>());
}
var (lerpConfidence, lerpContrast) = Midpoints("linear");
var (slerpConfidence, slerpContrast) = Midpoints("slerp");
Console.WriteLine($"decoded midpoints (λ = 2/8 … 6/8): linear: confidence {lerpConfidence:F3}, contrast {lerpContrast:F3}; slerp: confidence {slerpConfidence:F3}, contrast {slerpContrast:F3}");
Check.Above(Math.Min(lerpConfidence, slerpConfidence), 0.9, "the midpoints of both paths decode to digits (the lower classifier confidence)");
foreach (var (_, t) in interpolation) t.Dispose();
foreach (var (_, t) in decoded) t.Dispose();
ends.Dispose();

// %% [markdown]
// They do here (checked above): the anonymous paper's observation on churches holds for DDIM on digits, even though the
// linear midpoints have the norm of much less noisy inputs. What the two paths differ in is *which* digits lie between the
// ends (compare the rows), since they pass through different noises; the norm argument says slerp is the path whose
// points look like the model's training noise, and that is why DDIM's authors and most code use it.
//
// ## Nearest training neighbours
//
// Is the model copying its training set? For 64 DDIM-50 samples, the nearest training image in pixel space (L2,
// `NearestNeighbours.Find`), against the same distance for held-out real digits, which are new by construction. A
// memorising model would produce samples much closer to their neighbours than real held-out digits are to theirs.
// **Check:** the samples' median distance is at least 80 % of the held-out digits' median, and no more than a tenth of the
// samples are closer than the closest 5 % of held-out digits.

// %%
var queries = ddim50Samples.narrow(0, 0, 64);
var heldOut = testImages.narrow(0, 0, 200);   // held out from the DDPM's training
var pixelFound = NearestNeighbours.Find(queries, trainImages, k: 5);
var realFound = NearestNeighbours.Find(heldOut, trainImages, k: 1);
double[] sampleDistances = pixelFound.Distances.select(1, 0).to(float64).data<double>().ToArray();
double[] realDistances = realFound.Distances.to(float64).data<double>().Order().ToArray();
double Median(double[] v) => v.Order().ElementAt(v.Length / 2);
Console.WriteLine($"nearest training digit (L2): samples median {Median(sampleDistances):F2}, min {sampleDistances.Min():F2}; held-out digits median {Median(realDistances):F2}, min {realDistances[0]:F2}");
Check.Above(Median(sampleDistances), 0.8 * Median(realDistances), "samples are as far from the training set as new real digits are (median distance; bound: 0.8 × held-out median)");
double closeShare = sampleDistances.Count(d => d < realDistances[realDistances.Length / 20]) / (double)sampleDistances.Length;
Check.Below(closeShare, 0.1, "few samples are closer than the closest 5 % of held-out digits (share of samples)");
Images.ShowRows(Enumerable.Range(0, 6).Select(q => ($"d = {sampleDistances[q]:F1}",
        cat([queries[q].unsqueeze(0), trainImages.index_select(0, pixelFound.Indices[q])], 0))).ToList(),
    columnLabels: ["sample", "nearest", "2nd", "3rd", "4th", "5th"], title: "Six samples and their five nearest training digits");
pixelFound.Dispose(); realFound.Dispose();

// %% [markdown]
// ### Picking the best samples by a perceptual distance
//
// The anonymous paper selects its "best samples" with LPIPS (Zhang et al. 2018): the perceptual distance between each of
// 64 samples and its nearest neighbours, keeping the six with the lowest, and compares those distances (0.29–0.32) with
// the distances between batches of real images. LPIPS is not available here: it compares deep features of an ImageNet
// network (AlexNet or VGG) through learned weights that the `lpips` Python package downloads at run time, none of which is
// in the packages this course installs, and ImageNet features of 28 × 28 grey digits are off their domain anyway. The
// course has a feature network trained on these digits: the FID classifier. Its 128 penultimate features play LPIPS's
// role here, with the L2 distance between them as the perceptual distance. **Check** the paper's claim in this setting:
// the six selected samples are as close to the training set, in features, as held-out real digits are (at most their
// median distance).

// %%
using (var scope = NewDisposeScope())
{
    var trainFeatures = fidNetwork.Features(trainImages);
    var sampleFound = NearestNeighbours.Find(fidNetwork.Features(queries), trainFeatures, k: 1);
    var heldFound = NearestNeighbours.Find(fidNetwork.Features(heldOut), trainFeatures, k: 1);
    double[] featureDistances = sampleFound.Distances.flatten().to(float64).data<double>().ToArray();
    double heldMedian = Median(heldFound.Distances.flatten().to(float64).data<double>().ToArray());
    var bestIndex = sampleFound.Distances.flatten().argsort().narrow(0, 0, 6);   // the six smallest distances
    long[] best = bestIndex.data<long>().ToArray();
    Console.WriteLine($"feature distance to the nearest training digit: selected six {string.Join(", ", best.Select(i => featureDistances[i].ToString("F2")))}; " +
        $"all 64 samples median {Median(featureDistances):F2}; held-out real digits median {heldMedian:F2}");
    Check.Below(best.Max(i => featureDistances[i]), heldMedian, "the six selected samples are as close to the data as real digits are (largest selected distance; bound: held-out median)");
    Images.ShowRows([("selected", queries.index_select(0, bestIndex)),
                     ("nearest training digit (features)", trainImages.index_select(0, sampleFound.Indices.flatten().index_select(0, bestIndex)))],
        title: "The six samples nearest the data in the FID network's features");
}
queries.Dispose(); heldOut.Dispose();

// %% [markdown]
// A criterion of closeness to the training set favours simple, common shapes (a 1 lies close to many training 1s), so the
// six "best" samples are a curated view of what the model can do, not a measure of its quality; FID, above, looks at all
// of them.
//
// ## A second data set: Fashion-MNIST
//
// The same UNet, process and recipe trained on Fashion-MNIST's 60,000 training images (the `ddpm-fashion` config; its card
// is in `data/checkpoints/ddpm-fashion`) draws clothes, shoes and bags with texture, which the inverse problems of notebook
// 05 and the blur of notebook 06 can be tried on. Its FID needs a feature network that knows clothes: the same classifier
// trained on Fashion-MNIST (`data/checkpoints/fashion-fid-classifier`), measured against 2,000 held-out test images.

// %%
using (var fashion = TrainedModel.Load("../data/checkpoints/ddpm-fashion"))
using (var fashionNetwork = FeatureNetwork.Load("../data/checkpoints/fashion-fid-classifier.safetensors"))
using (var fashionTest = FashionMnist.Load(train: false))
using (var fashionScope = NewDisposeScope())
using (var noGrad = no_grad())
{
    var fashionCard = fashion.Card;
    Console.WriteLine($"{fashionCard.Name}: {fashionCard.Parameters:N0} parameters, {fashionCard.Steps} steps, {fashionCard.WallTimeSeconds / 60:F0} min of training; data: {fashionCard.Data}");
    Console.WriteLine($"  card: FID {fashionCard.Metrics["fid"]} with {fashionCard.Metrics["sampler"]} ({fashionCard.Metrics["fid_samples"]} samples), floor {fashionCard.Metrics["fid_floor"]}");
    using var g = new torch.Generator(11);
    var clothes = new DdimSampler(fashion.Schedule, eta: 0, steps: 50).Sample(fashion.Epsilon, [16, 1, 28, 28], g).clamp(-1, 1);
    Images.ShowRows([("DDIM 50 samples", clothes), ("real test images", fashionTest.Images.narrow(0, 0, 16) * 2 - 1)], title: $"{fashionCard.Name}");
    // The Fashion-MNIST classifier names what was drawn: a model that had collapsed onto a few kinds of clothing would show it here.
    var kinds = ((MnistClassifier)fashionNetwork.Module).call(clothes).argmax(1).data<long>().ToArray();
    Console.WriteLine("the classifier sees: " + string.Join(", ", kinds.GroupBy(k => k).OrderByDescending(k => k.Count()).Select(k => $"{FashionMnist.ClassNames[(int)k.Key]} {k.Count()}")));
    Check.Above(kinds.Distinct().Count(), 4, "16 samples cover at least 5 of the 10 classes (classes seen)");
    Check.Above(fashionCard.Metrics["fid"]!.GetValue<double>(), fashionCard.Metrics["fid_floor"]!.GetValue<double>(), "the card's FID is above its floor");
}

// %% [markdown]
// ## What to try
//
// * Train the demo model longer (`demoSteps`) and watch its FID fall towards the shipped model's.
// * Compare `VarianceType.FixedLarge` with `FixedSmall` in `DdpmSampler` at 100 and 1000 steps.
// * DDIM with $\eta = 1$ is (almost) DDPM on the respaced chain: add it to the table.
// * Train your own checkpoint: `dotnet run --project environment/cli -- train --config ddpm-mnist --out runs/my-ddpm-mnist`
//   (Ctrl+C stops it with a checkpoint, `--resume` continues it).
// * On a GPU, `train --config church48-ddpm --data FOLDER` trains the anonymous paper's setting, LSUN church at 48 × 48.
//   The paper trains zoubohao's PyTorch DDPM for 150 epochs and states no other hyper-parameters; the course's config
//   uses Ho et al.'s CIFAR-10 recipe instead (printed below from `TrainingConfigs`), so its numbers are Ho et al.'s
//   setting at 48 × 48, not the paper's.

// %%
var church = TrainingConfigs.Church48Ddpm();
Console.WriteLine($"{church.Name}: {church.Description}");
Console.WriteLine($"  batch {church.Defaults.BatchSize}, lr {church.Defaults.LearningRate}, warm-up {church.Defaults.WarmupSteps} steps, EMA {church.Defaults.EmaDecay}, {church.Defaults.Steps:N0} steps; {TrainingConfigs.Church48UNet}");

// %%
course.End(samples, ddim50Samples, realFeatures, floorFeatures, fidNetwork, gridGenerator, trainer, demo, shipped,
    trainImages, testImages, trainSet, testSet, mnist);
