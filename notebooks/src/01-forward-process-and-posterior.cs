// %% [markdown]
// # 01 · The forward process and its posterior
//
// A denoising diffusion model (Ho, Jain and Abbeel 2020) destroys data with a fixed Markov chain of Gaussian noise,
// and learns to run it backwards. This notebook derives the forward process and the posterior that the reverse
// process imitates, and checks **every step with numbers**:
//
// 1. the one-step kernel $q(x_t \mid x_{t-1})$ and the closed form $q(x_t \mid x_0)$ (Ho et al., eq. 2 and eq. 4);
// 2. the posterior $q(x_{t-1} \mid x_t, x_0)$ by Bayes' rule (eq. 6–7), against brute-force integration;
// 3. Algorithm 2 as written against a misprinted version;
// 4. how fast $p(x_t)$ forgets the data: $\mathrm{KL}(p(x_t) \,\|\, \mathcal N(0, 1))$ along $t$ for MNIST and for a
//    non-Gaussian start, and what the reverse process makes of non-Gaussian noise (Kuang, Wei, Chen and Li's experiment).

// %%
#r "../bin/Release/net10.0/Diffusion.Lib.dll"
using TorchSharp;
using static TorchSharp.torch;
using Diffusion.Ddpm;
using Diffusion.Data;
using Diffusion.Hosting;
using Diffusion.Metrics;
using Diffusion.Plotting;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

// Loads TorchSharp's engine (LibTorch 2.10) on every core, seeds 0, says the profile; DIFFUSION_THREADS=1 on a busy machine.
var course = Course.Start();

// %% [markdown]
// ## 1 · The forward process
//
// Given a variance schedule $\beta_1, \dots, \beta_T$, each step shrinks the signal and adds noise (Ho et al. 2020, eq. 2):
//
// $$q(x_t \mid x_{t-1}) = \mathcal N\big(x_t;\ \sqrt{1-\beta_t}\,x_{t-1},\ \beta_t I\big).$$
//
// DDPM uses $T = 1000$ and $\beta$ linear from $10^{-4}$ to $0.02$. With $\alpha_t = 1 - \beta_t$ and
// $\bar\alpha_t = \prod_{s \le t} \alpha_s$ we get `NoiseSchedule`, whose arrays are named after these symbols (index 0 is
// the paper's $t = 1$).

// %%
var schedule = NoiseSchedule.Linear(1000);
var process = new ForwardProcess(schedule);
Console.WriteLine($"β_1 = {schedule.Betas[0]:G3}, β_T = {schedule.Betas[^1]:G3}, ᾱ_T = {schedule.AlphaBars[^1]:E3}");
var steps = Enumerable.Range(1, 1000).Select(t => (double)t).ToArray();
Chart.Combine(new[] {
        Chart.Line<double, double, string>(steps, NoiseSchedule.Linear(1000).AlphaBars, Name: "linear"),
        Chart.Line<double, double, string>(steps, NoiseSchedule.Cosine(1000).AlphaBars, Name: "cosine"),
        Chart.Line<double, double, string>(steps, NoiseSchedule.Quadratic(1000).AlphaBars, Name: "quadratic") })
    .WithTitle("ᾱ<sub>t</sub>: how much of x<sub>0</sub> survives at step t").WithAxisTitles(x: "t", y: "ᾱ<sub>t</sub>").WithSize(700, 380)

// %% [markdown]
// ## 2 · From one step to the closed form
//
// Write one step with a fresh $\varepsilon \sim \mathcal N(0, I)$: $x_t = \sqrt{\alpha_t}\,x_{t-1} + \sqrt{1-\alpha_t}\,\varepsilon_{t-1}$.
// Substitute the step before:
//
// $$x_t = \sqrt{\alpha_t\alpha_{t-1}}\,x_{t-2} + \sqrt{\alpha_t(1-\alpha_{t-1})}\,\varepsilon_{t-2} + \sqrt{1-\alpha_t}\,\varepsilon_{t-1}.$$
//
// The two noises are independent Gaussians, so their sum is one Gaussian with variance
// $\alpha_t(1-\alpha_{t-1}) + (1-\alpha_t) = 1 - \alpha_t\alpha_{t-1}$. Repeating down to $x_0$ gives eq. 4:
//
// $$q(x_t \mid x_0) = \mathcal N\big(x_t;\ \sqrt{\bar\alpha_t}\,x_0,\ (1-\bar\alpha_t) I\big).$$
//
// **Check.** Run the chain step by step from $x_0 = 0.7$ for $n$ scalars at once (the cell prints $n$) and compare its
// mean and variance with the closed form and with `QSample` (one jump). Five standard errors is the tolerance.

// %%
int n = CourseProfile.Pick(fast: 50_000, full: 200_000);
var x0 = full([n], 0.7, float64);
double worstError = 0;   // in standard errors of the mean or of the variance
Console.WriteLine($"{n:N0} scalars from x_0 = 0.7\n   t | theory mean, var   | iterated mean, var  | one jump mean, var");
foreach (int t in new[] { 0, 9, 99, 499, 999 })
{
    using var scope = NewDisposeScope();
    var (coef, variance) = process.QMarginal(t);
    var iterated = process.QSampleIterated(x0, t);
    var jump = process.QSample(x0, NoiseSchedule.Steps(t, n), randn_like(x0));
    foreach (var s in new[] { iterated, jump })
        worstError = Math.Max(worstError, Math.Max(Math.Abs(s.mean().item<double>() - coef * 0.7) / Math.Sqrt(variance / n),
                                                   Math.Abs(s.var().item<double>() - variance) / (variance * Math.Sqrt(2.0 / n))));
    Console.WriteLine($"{t + 1,4} | {coef * 0.7,7:F4}, {variance,7:F4} | {iterated.mean().item<double>(),7:F4}, {iterated.var().item<double>(),7:F4} | {jump.mean().item<double>(),7:F4}, {jump.var().item<double>(),7:F4}");
}
Check.Below(worstError, 5, "the iterated chain and the one jump match eq. 4's mean and variance (worst error in standard errors)");

// %% [markdown]
// ## 3 · The posterior $q(x_{t-1} \mid x_t, x_0)$
//
// The reverse process needs to know where $x_{t-1}$ was, given where $x_t$ is. Conditioned on $x_0$ this is tractable.
// By Bayes' rule and the Markov property,
//
// $$q(x_{t-1}\mid x_t,x_0) = \frac{q(x_t\mid x_{t-1})\,q(x_{t-1}\mid x_0)}{q(x_t\mid x_0)} \propto
// \exp\Big(-\tfrac12\Big[\frac{(x_t-\sqrt{\alpha_t}x_{t-1})^2}{\beta_t} + \frac{(x_{t-1}-\sqrt{\bar\alpha_{t-1}}x_0)^2}{1-\bar\alpha_{t-1}}\Big]\Big).$$
//
// The exponent is quadratic in $x_{t-1}$. Collecting the $x_{t-1}^2$ terms gives the precision and the linear terms the
// mean (Ho et al., eq. 6–7):
//
// $$\frac1{\tilde\beta_t} = \frac{\alpha_t}{\beta_t} + \frac1{1-\bar\alpha_{t-1}} = \frac{1-\bar\alpha_t}{\beta_t(1-\bar\alpha_{t-1})}
// \quad\Rightarrow\quad \tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t,$$
//
// $$\tilde\mu_t = \tilde\beta_t\Big(\frac{\sqrt{\alpha_t}}{\beta_t}x_t + \frac{\sqrt{\bar\alpha_{t-1}}}{1-\bar\alpha_{t-1}}x_0\Big)
// = \frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0 + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t .$$
//
// These are `PosteriorVariance`, `PosteriorMeanCoef1` and `PosteriorMeanCoef2`. The anonymous paper "Generating Images
// with Denoising Diffusion Probabilistic Model" derives the same mean (its eq. 9–11).
//
// **Check.** Multiply the two Gaussians numerically on a fine 1-D grid, normalise, and integrate for the mean and
// variance: no algebra shared with the closed form.

// %%
(double Mean, double Variance) BruteForcePosterior(int t, double xt, double x0v)
{
    // log q(x_t | x) + log q(x | x_0) on a grid around the prior; log-sum-exp keeps tiny weights from underflowing.
    double a = schedule.Alphas[t], b = schedule.Betas[t], abPrev = schedule.AlphaBarsPrev[t];
    double center = Math.Sqrt(abPrev) * x0v, spread = Math.Sqrt(1 - abPrev);
    var grid = Enumerable.Range(0, 400_001).Select(i => center - 10 * spread + i * 20 * spread / 400_000).ToArray();
    var logw = grid.Select(x => -0.5 * Math.Pow(xt - Math.Sqrt(a) * x, 2) / b - 0.5 * Math.Pow(x - center, 2) / (spread * spread)).ToArray();
    double max = logw.Max();
    var w = logw.Select(l => Math.Exp(l - max)).ToArray();
    double z = w.Sum(), mean = grid.Zip(w, (x, wi) => x * wi).Sum() / z;
    return (mean, grid.Zip(w, (x, wi) => x * x * wi).Sum() / z - mean * mean);
}

// %%
double worst = 0;
Console.WriteLine("   t | μ̃ closed form  | μ̃ brute force  | β̃ closed form | β̃ brute force");
foreach (int t in new[] { 1, 9, 99, 499, 999 })
{
    // A typical pair: x_0 = −0.5 and x_t drawn as √ᾱ_t x_0 + √(1 − ᾱ_t)·0.8.
    double x0v = -0.5, xtv = schedule.SqrtAlphaBars[t] * x0v + schedule.SqrtOneMinusAlphaBars[t] * 0.8;
    double mu = schedule.PosteriorMeanCoef1[t] * x0v + schedule.PosteriorMeanCoef2[t] * xtv, beta = schedule.PosteriorVariance[t];
    var (bfMean, bfVar) = BruteForcePosterior(t, xtv, x0v);
    worst = Math.Max(worst, Math.Max(Math.Abs(mu - bfMean), Math.Abs(beta - bfVar) / beta));
    Console.WriteLine($"{t + 1,4} | {mu,14:F10} | {bfMean,14:F10} | {beta,13:E6} | {bfVar,13:E6}");
}
Check.Below(worst, 1e-6, "μ̃ and β̃ match brute-force integration (largest mean difference or relative variance difference)");

// %% [markdown]
// ### The ε form of the posterior mean
//
// Substituting $x_0 = (x_t - \sqrt{1-\bar\alpha_t}\,\varepsilon)/\sqrt{\bar\alpha_t}$ into $\tilde\mu_t$ gives eq. 11, the
// form the network uses:
//
// $$\tilde\mu_t = \frac1{\sqrt{\alpha_t}}\Big(x_t - \frac{\beta_t}{\sqrt{1-\bar\alpha_t}}\varepsilon\Big).$$
//
// **Check** on a batch of random images and timesteps: both forms must agree to rounding error.

// %%
using (var scope = NewDisposeScope())
{
    var images = randn(16, 1, 28, 28, float64);
    var eps = randn(16, 1, 28, 28, float64);
    var t = randint(0, 1000, [16]);
    var xt = process.QSample(images, t, eps);
    double gap = (process.PosteriorMean(images, xt, t) - process.PosteriorMeanFromEps(xt, t, eps)).abs().max().item<double>();
    Check.Below(gap, 1e-10, "the x₀ form and the ε form of μ̃ agree (max |difference|)");
}

// %% [markdown]
// ## 4 · Algorithm 2, and a misprint
//
// Sampling (Algorithm 2) runs $x_T \sim \mathcal N(0, I)$ and, for $t = T, \dots, 1$,
//
// $$x_{t-1} = \frac{1}{\sqrt{\alpha_t}}\Big(x_t - \frac{1-\alpha_t}{\sqrt{1-\bar\alpha_t}}\,\varepsilon_\theta(x_t,t)\Big) + \sigma_t z .$$
//
// The MA4530 project poster "Image Denoising via Advanced Diffusion Generative Modeling" (2023/24) prints the first
// factor as $1/\sqrt{\bar\alpha_t}$ (and $\sqrt{\alpha_t}\,x_0$ for $\sqrt{\bar\alpha_t}\,x_0$ in its Algorithm 1). To see
// what the misprint does without training anything, take a "data set" of one MNIST image $x_0$. Its ideal noise predictor
// is known exactly: $\varepsilon(x_t, t) = (x_t - \sqrt{\bar\alpha_t}\,x_0)/\sqrt{1-\bar\alpha_t}$. With it, Algorithm 2
// must return $x_0$; the misprint multiplies by $1/\sqrt{\bar\alpha_t} \approx 160$ near $t = T$ and explodes.

// %%
var mnist = Mnist.LoadNpm();
var image = mnist.Images.narrow(0, 0, 1) * 2.0 - 1.0;   // [1, 1, 28, 28] in [-1, 1]

(double Rms, double MaxAbs) RunAlgorithm2(bool misprint)
{
    using var gen = new torch.Generator(42);
    using var scope = NewDisposeScope();
    var x = randn(image.shape, generator: gen);
    double maxAbs = 0;
    for (int t = schedule.T - 1; t >= 0; t--)
    {
        var eps = (x - image * schedule.SqrtAlphaBars[t]) / schedule.SqrtOneMinusAlphaBars[t];    // the ideal ε for one image
        double factor = misprint ? 1 / schedule.SqrtAlphaBars[t] : 1 / schedule.SqrtAlphas[t];
        var mean = (x - eps * (schedule.Betas[t] / schedule.SqrtOneMinusAlphaBars[t])) * factor;
        x = t > 0 ? mean + randn(x.shape, generator: gen) * Math.Sqrt(schedule.Betas[t]) : mean;
        double largest = x.abs().max().item<float>();
        maxAbs = double.IsNaN(largest) ? double.PositiveInfinity : Math.Max(maxAbs, largest);
    }
    double rms = (x - image).square().mean().sqrt().item<float>();
    return (double.IsNaN(rms) ? double.PositiveInfinity : rms, maxAbs);
}
var correct = RunAlgorithm2(misprint: false);
var wrong = RunAlgorithm2(misprint: true);
Console.WriteLine($"largest |x_t| on the way: Algorithm 2 {correct.MaxAbs:F2}, misprint {wrong.MaxAbs:E2} (float32 overflows at 3.4e38)");
Check.Below(correct.Rms, 1e-4, "Algorithm 2 with the exact ε returns x₀ (RMS error)");
Check.Above(wrong.Rms, 1e3, "the misprint 1/√ᾱ_t diverges (RMS error)");

// %% [markdown]
// ## 5 · Watching the data disappear
//
// One MNIST digit at several $t$, then the whole chain as an animation.

// %%
int[] ts = [0, 50, 100, 200, 300, 500, 700, 999];
using (var scope = NewDisposeScope())
{
    var frames = ts.Select(t => process.QSample(image, NoiseSchedule.Steps(t, 1), randn_like(image))).ToList();
    Images.Show(cat(frames, 0), nrow: 8, columnLabels: ts.Select(t => $"t = {t + 1}").ToArray(), title: "x_t of one digit");
}

// %%
var chainFrames = new List<(string Name, GenericChart Chart)>();
using (var scope = NewDisposeScope())
{
    var x = image;
    for (int t = 0; t < 1000; t++)
    {
        x = process.QStep(x, t, randn_like(x));
        if (t % 40 == 0 || t == 999) chainFrames.Add(($"{t + 1}", Figures.ImageGrid(x, padding: 0, range: (-2.5, 2.5))));
    }
}
Figures.Animation(chainFrames, frameDurationMs: 120, sliderPrefix: "t = ")
    .With(c => c.WithTitle("The forward chain x<sub>1</sub> … x<sub>1000</sub>").WithSize(480, 560))

// %% [markdown]
// ## 6 · $\mathrm{KL}(p(x_t) \,\|\, \mathcal N(0, 1))$ along $t$
//
// How far is the distribution of $x_t$ from the prior? We pool the pixel values of many noised images (treating pixels as
// samples of one 1-D distribution, as Kuang, Wei, Chen and Li do in "Reconstruct an image from the Gaussian noise by the
// Diffusion model") and estimate $D(p(x_t) \,\|\, \mathcal N(0, 1))$ two ways:
//
// * **Gaussian fit**: fit $\mathcal N(m, s^2)$ to the samples and use the closed form $\tfrac12(s^2 + m^2 - 1 - \log s^2)$.
//   Sees only two moments.
// * **Histogram**: bins of width 0.1 on a grid covering $[-6, 6]$ and all samples,
//   $D \approx \sum_i p_i \log(p_i/q_i)$ with $q_i$ the exact $\mathcal N(0, 1)$ mass of bin $i$. MNIST at $t = 0$ has an
//   atom at $-1$ (the background), for which the true KL is infinite; the histogram then measures it at the stated
//   resolution.
//
// A second start shows the process forgets *any* distribution: an exponential $x_0 = -\log(U)/0.5$ (mean 2, variance 4),
// the non-Gaussian matrix of Kuang et al.

// %%
int imageCount = CourseProfile.Pick(fast: 300, full: 2000);
var pixels = (mnist.Images.narrow(0, 0, imageCount) * 2.0 - 1.0).to(float64);
var exponential = -rand(imageCount, 1, 28, 28, float64).log() / 0.5;
int[] klSteps = [0, 10, 50, 100, 200, 300, 500, 700, 999];
var rowsKl = new List<(int T, double MnistHist, double MnistFit, double ExpHist, double ExpFit)>();
foreach (int t in klSteps)
{
    using var scope = NewDisposeScope();
    double[] Noised(Tensor start) => (t == 0 ? start : process.QSample(start, NoiseSchedule.Steps(t, imageCount), randn_like(start))).data<double>().ToArray();
    double[] m = Noised(pixels), e = Noised(exponential);
    rowsKl.Add((t, KlDivergence.HistogramToStandardNormal(m, 0.1), KlDivergence.GaussianFitToStandardNormal(m),
                   KlDivergence.HistogramToStandardNormal(e, 0.1), KlDivergence.GaussianFitToStandardNormal(e)));
}
double exactExpKl = -(1 - Math.Log(0.5)) + 4 + 0.5 * Math.Log(2 * Math.PI);   // −H(Exp(0.5)) + E[x²/2] + ½ log 2π
Console.WriteLine($"KL of the exponential start: exact {exactExpKl:F4}, histogram {rowsKl[0].ExpHist:F4}");
Console.WriteLine("(Kuang et al. report 3.7697 without saying how they estimated it)");
Check.That(rowsKl.Zip(rowsKl.Skip(1)).All(p => p.Second.MnistHist < p.First.MnistHist + 0.01 && p.Second.ExpHist < p.First.ExpHist + 0.01),
    "KL falls along t for both starts (histogram estimate)");
Check.Below(Math.Max(rowsKl[^1].MnistHist, rowsKl[^1].ExpHist), 0.01, "x_T is close to N(0, 1) from either start (KL in nats at t = 1000)");
Check.Near(rowsKl[0].ExpHist, exactExpKl, 0.05, "the histogram estimate recovers the exponential's exact KL at t = 0");

// %%
double[] tAxis = rowsKl.Select(r => (double)Math.Max(r.T, 1)).ToArray();
Figures.Curves([
        new Curve("MNIST, histogram", rowsKl.Select(r => r.MnistHist).ToArray(), tAxis, "#1f77b4"),
        new Curve("MNIST, Gaussian fit", rowsKl.Select(r => r.MnistFit).ToArray(), tAxis, "#1f77b4", Dashed: true),
        new Curve("exponential, histogram", rowsKl.Select(r => r.ExpHist).ToArray(), tAxis, "#d62728"),
        new Curve("exponential, Gaussian fit", rowsKl.Select(r => r.ExpFit).ToArray(), tAxis, "#d62728", Dashed: true)],
    xTitle: "t (x<sub>0</sub> drawn at t = 1)", yTitle: "KL (nats)", logX: true, logY: true, markers: true,
    title: "KL(p(x<sub>t</sub>) ‖ N(0, 1)) along the forward process").WithSize(760, 420)

// %% [markdown]
// Both starts are driven to $\mathcal N(0, 1)$. The two estimators disagree where the distribution is far from Gaussian
// (the Gaussian fit cannot see the atom at $-1$ or the exponential's skew) and agree once $x_t$ is nearly Gaussian.
// Kuang et al.'s MNIST sequence (1.8643, 1.542, 0.501, 0.0993, 0.00101) has the same shape; its exact values depend on an
// estimator and pixel scaling their poster does not state.
//
// ## 7 · Kuang et al.'s experiment: the reverse process from noise that is not Gaussian
//
// Section 6 used the exponential matrix as a *forward* start $x_0$. Kuang et al. used it the other way round: they gave
// $x_T = -\log(U)/0.5$ (mean 2, variance 4, skewed) to the *reverse* process in place of $x_T \sim \mathcal N(0, I)$ and
// asked whether an image still comes out. Here is that experiment with notebook 03's trained DDPM (Algorithm 2, the same
// $z$'s for every start): eight samples from a Gaussian $x_T$, from Kuang et al.'s exponential $x_T$, and from the
// exponential standardised to mean 0 and variance 1 (same skew, right moments). "Digit-like" is measured three ways
// against held-out digits: the mean pixel, the share of black background pixels, and the confidence of the course's MNIST
// classifier (its largest softmax probability).

// %%
var ddpmModel = Diffusion.Pretrained.TrainedModel.Load("../data/checkpoints/ddpm-mnist");
var classifier = (Diffusion.Models.MnistClassifier)FeatureNetwork.Load("../data/checkpoints/mnist-fid-classifier.safetensors").Module;
var reverse = new DdpmSampler(ddpmModel.Schedule);   // the process saved with the model
reverse.SetTimesteps(CourseProfile.Pick(fast: 100, full: 1000));
(double Mean, double Background, double Confidence) DigitStats(Tensor x)
{
    using var scope = NewDisposeScope();
    using var noGrad = no_grad();
    var confidence = classifier.Confidence(x).mean().item<float>();
    return (x.mean().item<float>(), (x < -0.9).to(float32).mean().item<float>(), confidence);
}

// %%
var starts = new List<(string Name, Tensor XT)>();
using (var g = new torch.Generator(3))
{
    var u = rand([8, 1, 28, 28], generator: g);
    var expo = -u.log() / 0.5;
    starts.Add(("Gaussian x_T", randn([8, 1, 28, 28], generator: g)));
    starts.Add(("exponential x_T (Kuang et al.)", expo));
    starts.Add(("exponential, standardised", (expo - 2) / 2));
}
Tensor Reverse(Tensor xT) { using var g = new torch.Generator(7); return reverse.Sample(ddpmModel.Epsilon, xT.to(ddpmModel.Device), g).clamp(-1, 1).cpu(); }   // the same z's for every start
var outputs = starts.Select(s => (s.Name, Reverse(s.XT))).ToList();
Images.ShowRows(outputs);
var real = DigitStats(pixels.narrow(0, 0, 64).to(float32));
Console.WriteLine($"{"",-32} mean pixel  background  classifier confidence   (DDPM {reverse.StepCount} steps)");
Console.WriteLine($"{"held-out digits",-32} {real.Mean,10:F3}  {real.Background,10:F3}  {real.Confidence,10:F3}");
var stats = outputs.Select(o => (o.Name, Stats: DigitStats(o.Item2))).ToList();
foreach (var (name, st) in stats) Console.WriteLine($"{name,-32} {st.Mean,10:F3}  {st.Background,10:F3}  {st.Confidence,10:F3}");
Check.Above(stats[0].Stats.Confidence, 0.9, "from Gaussian noise the DDPM draws digits (classifier confidence)");
Check.Above(stats[1].Stats.Confidence, 0.8, "from Kuang et al.'s exponential noise it still draws digits (classifier confidence)");
Check.Less(stats[0].Stats.Mean, "Gaussian start", stats[1].Stats.Mean, "exponential start", "the exponential's mean of 2 leaves brighter, bolder digits (mean pixel)");
double Apart(int i, int j) { using var d = outputs[i].Item2 - outputs[j].Item2; return d.square().mean().sqrt().item<float>(); }
Check.Less(Apart(0, 2), "RMS(Gaussian − standardised)", Apart(0, 1), "RMS(Gaussian − exponential)", "with the same z's, the standardised start ends nearer the Gaussian start's digits");

// %% [markdown]
// The reverse chain forgets its start much as the forward chain forgets the data: with the same $z$'s, the Gaussian and
// the standardised exponential starts end in nearly the same digits, so a start with the right mean and variance but the
// wrong shape costs almost nothing. Kuang et al.'s raw exponential, with mean 2 where the model expects 0, still ends in
// digits, as their poster reports, but bolder ones (the mean pixel above): part of the excess mean survives the chain.
// The two exponential rows separate what their single experiment mixes: the first two moments matter, the shape hardly.

// %%
ddpmModel.Dispose(); classifier.Dispose();
foreach (var (_, xT) in starts) xT.Dispose();
foreach (var (_, samples) in outputs) samples.Dispose();

// %%
course.End(pixels, exponential, x0, image, mnist);   // disposes them and checks that no tensor is left behind
