// %% [markdown]
// # 01 · The forward process and its posterior
//
// A denoising diffusion model (Ho, Jain and Abbeel 2020) destroys data with a fixed Markov chain of Gaussian noise,
// and learns to run it backwards. This notebook derives the forward process and the posterior that the reverse
// process imitates, and checks **every step with numbers**:
//
// 1. the one-step kernel q(x_t | x_{t−1}) and the closed form q(x_t | x_0) (eq. 1 → eq. 3/4);
// 2. the posterior q(x_{t−1} | x_t, x_0) by Bayes' rule (eq. 6–7), against brute-force integration;
// 3. Algorithm 2 as written against a misprinted version;
// 4. how fast p(x_t) forgets the data: KL(p(x_t) ‖ N(0, 1)) along t for MNIST and for a non-Gaussian start.

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
// Given a variance schedule β_1, …, β_T, each step shrinks the signal and adds noise (eq. 2):
//
// $$q(x_t \mid x_{t-1}) = \mathcal N\big(x_t;\ \sqrt{1-\beta_t}\,x_{t-1},\ \beta_t I\big).$$
//
// DDPM uses T = 1000 and β linear from 10⁻⁴ to 0.02. With α_t = 1 − β_t and ᾱ_t = ∏_{s≤t} α_s we get `NoiseSchedule`,
// whose arrays are named after these symbols (index 0 is the paper's t = 1).

// %%
var schedule = NoiseSchedule.Linear(1000);
var process = new ForwardProcess(schedule);
Console.WriteLine($"β_1 = {schedule.Betas[0]:G3}, β_T = {schedule.Betas[^1]:G3}, ᾱ_T = {schedule.AlphaBars[^1]:E3}");
var steps = Enumerable.Range(1, 1000).Select(t => (double)t).ToArray();
Chart.Combine(new[] {
        Chart.Line<double, double, string>(steps, NoiseSchedule.Linear(1000).AlphaBars, Name: "linear"),
        Chart.Line<double, double, string>(steps, NoiseSchedule.Cosine(1000).AlphaBars, Name: "cosine"),
        Chart.Line<double, double, string>(steps, NoiseSchedule.Quadratic(1000).AlphaBars, Name: "quadratic") })
    .WithTitle("ᾱ_t: how much of x_0 survives at step t").WithAxisTitles(x: "t", y: "ᾱ_t").WithSize(700, 380)

// %% [markdown]
// ## 2 · From one step to the closed form
//
// Write one step with a fresh ε ~ N(0, I): x_t = √α_t x_{t−1} + √(1 − α_t) ε_{t−1}. Substitute the step before:
//
// $$x_t = \sqrt{\alpha_t\alpha_{t-1}}\,x_{t-2} + \sqrt{\alpha_t(1-\alpha_{t-1})}\,\varepsilon_{t-2} + \sqrt{1-\alpha_t}\,\varepsilon_{t-1}.$$
//
// The two noises are independent Gaussians, so their sum is one Gaussian with variance
// α_t(1 − α_{t−1}) + (1 − α_t) = 1 − α_tα_{t−1}. Repeating down to x_0 gives eq. 4:
//
// $$q(x_t \mid x_0) = \mathcal N\big(x_t;\ \sqrt{\bar\alpha_t}\,x_0,\ (1-\bar\alpha_t) I\big).$$
//
// **Check.** Run the chain step by step from x_0 = 0.7 for 100,000 scalars and compare its mean and variance with
// the closed form and with `QSample` (one jump). Five standard errors is the tolerance.

// %%
int n = CourseProfile.Pick(fast: 50_000, full: 200_000);
var x0 = full([n], 0.7, float64);
Console.WriteLine("  t | theory mean, var   | iterated mean, var  | closed-form mean, var");
foreach (int t in new[] { 0, 9, 99, 499, 999 })
{
    using var scope = NewDisposeScope();
    var iterated = process.QSampleIterated(x0, t);
    var closed = process.QSample(x0, NoiseSchedule.Steps(t, n), randn_like(x0));
    var (coef, variance) = process.QMarginal(t);
    double mean = coef * 0.7;
    double tolMean = 5 * Math.Sqrt(variance / n), tolVar = 5 * variance * Math.Sqrt(2.0 / n);
    foreach (var sample in new[] { iterated, closed })
    {
        double m = sample.mean().item<double>(), v = sample.var().item<double>();
        if (Math.Abs(m - mean) > tolMean || Math.Abs(v - variance) > tolVar) throw new Exception($"t={t + 1}: moments do not match");
    }
    Console.WriteLine($"{t + 1,4} | {mean,7:F4}, {variance,7:F4} | {iterated.mean().item<double>(),7:F4}, {iterated.var().item<double>(),7:F4} | {closed.mean().item<double>(),7:F4}, {closed.var().item<double>(),7:F4}");
}
Console.WriteLine("all moments agree within 5 standard errors");

// %% [markdown]
// ## 3 · The posterior q(x_{t−1} | x_t, x_0)
//
// The reverse process needs to know where x_{t−1} was, given where x_t is. Conditioned on x_0 this is tractable.
// By Bayes' rule and the Markov property,
//
// $$q(x_{t-1}\mid x_t,x_0) = \frac{q(x_t\mid x_{t-1})\,q(x_{t-1}\mid x_0)}{q(x_t\mid x_0)} \propto
// \exp\Big(-\tfrac12\Big[\frac{(x_t-\sqrt{\alpha_t}x_{t-1})^2}{\beta_t} + \frac{(x_{t-1}-\sqrt{\bar\alpha_{t-1}}x_0)^2}{1-\bar\alpha_{t-1}}\Big]\Big).$$
//
// The exponent is quadratic in x_{t−1}. Collecting the x²_{t−1} terms gives the precision and the linear terms the mean:
//
// $$\frac1{\tilde\beta_t} = \frac{\alpha_t}{\beta_t} + \frac1{1-\bar\alpha_{t-1}} = \frac{1-\bar\alpha_t}{\beta_t(1-\bar\alpha_{t-1})}
// \quad\Rightarrow\quad \tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t,$$
//
// $$\tilde\mu_t = \tilde\beta_t\Big(\frac{\sqrt{\alpha_t}}{\beta_t}x_t + \frac{\sqrt{\bar\alpha_{t-1}}}{1-\bar\alpha_{t-1}}x_0\Big)
// = \frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0 + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t .$$
//
// These are `PosteriorVariance`, `PosteriorMeanCoef1` and `PosteriorMeanCoef2`.
//
// **Check.** Multiply the two Gaussians numerically on a fine 1-D grid, normalise, and integrate for the mean and variance.

// %%
(double Mean, double Variance) BruteForcePosterior(int t, double xt, double x0v)
{
    // log q(x_t | x) + log q(x | x_0) on a grid around the prior; log-sum-exp keeps tiny weights from underflowing.
    double a = schedule.Alphas[t], b = schedule.Betas[t], abPrev = schedule.AlphaBarsPrev[t];
    double center = Math.Sqrt(abPrev) * x0v, spread = Math.Sqrt(1 - abPrev);
    int m = 400_001;
    double lo = center - 10 * spread, h = 20 * spread / (m - 1);
    var logw = new double[m];
    for (int i = 0; i < m; i++)
    {
        double x = lo + i * h;
        logw[i] = -0.5 * Math.Pow(xt - Math.Sqrt(a) * x, 2) / b - 0.5 * Math.Pow(x - center, 2) / (spread * spread);
    }
    double max = logw.Max(), z = 0, s1 = 0, s2 = 0;
    for (int i = 0; i < m; i++)
    {
        double x = lo + i * h, w = Math.Exp(logw[i] - max);
        z += w; s1 += w * x; s2 += w * x * x;
    }
    double mean = s1 / z;
    return (mean, s2 / z - mean * mean);
}

Console.WriteLine("  t | μ̃ closed form  | μ̃ brute force  | β̃ closed form | β̃ brute force");
double worst = 0;
foreach (int t in new[] { 1, 9, 99, 499, 999 })
{
    // A typical pair: x_0 = −0.5 and x_t drawn as √ᾱ_t x_0 + √(1 − ᾱ_t)·0.8.
    double x0v = -0.5, xtv = schedule.SqrtAlphaBars[t] * x0v + schedule.SqrtOneMinusAlphaBars[t] * 0.8;
    double mu = schedule.PosteriorMeanCoef1[t] * x0v + schedule.PosteriorMeanCoef2[t] * xtv;
    var (bfMean, bfVar) = BruteForcePosterior(t, xtv, x0v);
    worst = Math.Max(worst, Math.Max(Math.Abs(mu - bfMean), Math.Abs(schedule.PosteriorVariance[t] - bfVar) / schedule.PosteriorVariance[t]));
    Console.WriteLine($"{t + 1,4} | {mu,14:F10} | {bfMean,14:F10} | {schedule.PosteriorVariance[t],13:E6} | {bfVar,13:E6}");
}
Console.WriteLine($"largest difference (mean absolute, variance relative): {worst:E2}");
if (worst > 1e-6) throw new Exception("the posterior does not match brute force");

// %% [markdown]
// ### The ε form of the posterior mean
//
// Substituting x_0 = (x_t − √(1 − ᾱ_t) ε)/√ᾱ_t into μ̃_t gives eq. 11, the form the network uses:
//
// $$\tilde\mu_t = \frac1{\sqrt{\alpha_t}}\Big(x_t - \frac{\beta_t}{\sqrt{1-\bar\alpha_t}}\varepsilon\Big).$$
//
// **Check** on a batch of random images and timesteps: both forms must agree to rounding error.

// %%
{
    using var scope = NewDisposeScope();
    var images = randn(16, 1, 28, 28, float64);
    var eps = randn(16, 1, 28, 28, float64);
    var t = randint(0, 1000, [16]);
    var xt = process.QSample(images, t, eps);
    var fromX0 = process.PosteriorMean(images, xt, t);
    var fromEps = process.PosteriorMeanFromEps(xt, t, eps);
    double diff = (fromX0 - fromEps).abs().max().item<double>();
    Console.WriteLine($"max |μ̃(x_t, x_0) − μ̃(x_t, ε)| = {diff:E2}");
    if (diff > 1e-10) throw new Exception("the two forms differ");
}

// %% [markdown]
// ## 4 · Algorithm 2, and a misprint
//
// Sampling (Algorithm 2) runs x_T ~ N(0, I) and, for t = T … 1,
//
// $$x_{t-1} = \frac{1}{\sqrt{\alpha_t}}\Big(x_t - \frac{1-\alpha_t}{\sqrt{1-\bar\alpha_t}}\,\varepsilon_\theta(x_t,t)\Big) + \sigma_t z .$$
//
// One widely shared poster prints the first factor as 1/√ᾱ_t. To see the difference without training anything, take
// a "data set" of one MNIST image x_0. Its ideal noise predictor is known exactly:
// ε(x_t, t) = (x_t − √ᾱ_t x_0)/√(1 − ᾱ_t). With it, Algorithm 2 must return x_0; the misprint multiplies by
// 1/√ᾱ_t ≈ 160 near t = T and explodes.

// %%
var mnist = Mnist.LoadNpm();
var image = mnist.Images.narrow(0, 0, 1) * 2.0 - 1.0;   // [1, 1, 28, 28] in [-1, 1]

(double Rms, double MaxAbs, int OverflowAt) RunAlgorithm2(bool misprint)
{
    using var gen = new torch.Generator(42);
    var x = randn(image.shape, generator: gen);
    double maxAbs = 0;
    int overflowAt = -1;
    for (int t = schedule.T - 1; t >= 0; t--)
    {
        using var scope = NewDisposeScope();
        var eps = (x - image * schedule.SqrtAlphaBars[t]) / schedule.SqrtOneMinusAlphaBars[t];
        double factor = misprint ? 1 / schedule.SqrtAlphaBars[t] : 1 / schedule.SqrtAlphas[t];
        var mean = (x - eps * (schedule.Betas[t] / schedule.SqrtOneMinusAlphaBars[t])) * factor;
        var next = t > 0 ? mean + randn(x.shape, generator: gen) * Math.Sqrt(schedule.Betas[t]) : mean;
        x.Dispose();
        x = next.MoveToOuterDisposeScope();
        double largest = x.abs().max().item<float>();
        if (!double.IsFinite(largest) && overflowAt < 0) overflowAt = t + 1;
        maxAbs = Math.Max(maxAbs, double.IsNaN(largest) ? double.PositiveInfinity : largest);
    }
    double rms = (x - image).square().mean().sqrt().item<float>();
    x.Dispose();
    return (double.IsNaN(rms) ? double.PositiveInfinity : rms, maxAbs, overflowAt);
}
var correct = RunAlgorithm2(misprint: false);
var wrong = RunAlgorithm2(misprint: true);
Console.WriteLine($"1/√α_t  (Algorithm 2):  RMS error to x_0 = {correct.Rms:E2}, largest |x_t| on the way = {correct.MaxAbs:F2}");
Console.WriteLine($"1/√ᾱ_t  (misprint):     RMS error to x_0 = {wrong.Rms:E2}, largest |x_t| on the way = {wrong.MaxAbs:E2}" +
    (wrong.OverflowAt > 0 ? $" (float32 overflowed to ∞ at t = {wrong.OverflowAt})" : ""));
if (!(correct.Rms < 1e-4 && wrong.Rms > 1e3)) throw new Exception("expected the correct sampler to return x_0 and the misprint to diverge");

// %% [markdown]
// ## 5 · Watching the data disappear
//
// One MNIST digit at several t, then the whole chain as an animation.

// %%
var ts = new[] { 0, 50, 100, 200, 300, 500, 700, 999 };
using (var scope = NewDisposeScope())
{
    var frames8 = ts.Select(t => process.QSample(image, NoiseSchedule.Steps(t, 1), randn_like(image))).ToList();
    Images.Show(cat(frames8, 0), nrow: 8, range: (-1, 1));
}
Console.WriteLine("t + 1 = " + string.Join(", ", ts.Select(t => t + 1)));

// %%
var chainFrames = new List<(string Name, GenericChart Chart)>();
{
    var x = image.alias();
    for (int t = 0; t < 1000; t++)
    {
        using var scope = NewDisposeScope();
        var next = process.QStep(x, t, randn_like(x)).MoveToOuterDisposeScope();
        x.Dispose();
        x = next;
        if (t % 40 == 0 || t == 999)
        {
            chainFrames.Add(($"{t + 1}", Figures.ImageGrid(x, padding: 0, range: (-2.5, 2.5))));
        }
    }
    x.Dispose();
}
Figures.Animation(chainFrames, frameDurationMs: 120, sliderPrefix: "t = ")
    .With(c => c.WithTitle("The forward chain x_1 … x_1000").WithSize(460, 520))

// %% [markdown]
// ## 6 · KL(p(x_t) ‖ N(0, 1)) along t
//
// How far is the distribution of x_t from the prior? We pool the pixel values of many noised images (treating pixels as
// samples of one 1-D distribution, as the seed poster does) and estimate D(p(x_t) ‖ N(0, 1)) two ways:
//
// * **Gaussian fit**: fit N(m, s²) to the samples and use the closed form ½(s² + m² − 1 − log s²). Sees only two moments.
// * **Histogram**: bins of width 0.1 on a grid covering [−6, 6] and all samples, D ≈ Σ pᵢ log(pᵢ/qᵢ) with qᵢ the exact
//   N(0, 1) mass of bin i. MNIST at t = 0 has an atom at −1 (the background), for which the true KL is infinite;
//   the histogram then measures it at the stated resolution.
//
// A second start shows the process forgets *any* distribution: an exponential x_0 = −log(U)/0.5 (mean 2, variance 4).

// %%
int imageCount = CourseProfile.Pick(fast: 300, full: 2000);
var pixels = (mnist.Images.narrow(0, 0, imageCount) * 2.0 - 1.0).to(float64);
var exponential = -rand(imageCount, 1, 28, 28, float64).log() / 0.5;
var klSteps = new[] { 0, 10, 50, 100, 200, 300, 500, 700, 999 };
var rowsKl = new List<(int T, double MnistHist, double MnistFit, double ExpHist, double ExpFit)>();
foreach (int t in klSteps)
{
    using var scope = NewDisposeScope();
    double[] Noised(Tensor start) => (t == 0 ? start : process.QSample(start, NoiseSchedule.Steps(t, imageCount), randn_like(start))).data<double>().ToArray();
    double[] m = Noised(pixels), e = Noised(exponential);
    rowsKl.Add((t, KlDivergence.HistogramToStandardNormal(m, 0.1), KlDivergence.GaussianFitToStandardNormal(m),
                   KlDivergence.HistogramToStandardNormal(e, 0.1), KlDivergence.GaussianFitToStandardNormal(e)));
}
Console.WriteLine("     t | MNIST hist  MNIST fit | exp. hist   exp. fit");
foreach (var r in rowsKl) Console.WriteLine($"{(r.T == 0 ? "x_0" : (r.T + 1).ToString()),6} | {r.MnistHist,10:F4} {r.MnistFit,10:F4} | {r.ExpHist,10:F4} {r.ExpFit,10:F4}");
double trueExpKl = -(1 - Math.Log(0.5)) + 4 + 0.5 * Math.Log(2 * Math.PI);
Console.WriteLine($"exact KL of the exponential start: {trueExpKl:F4}; the seed poster reports 3.7697 without saying how it was estimated");
for (int i = 1; i < rowsKl.Count; i++)
    if (rowsKl[i].MnistHist > rowsKl[i - 1].MnistHist + 0.01 || rowsKl[i].ExpHist > rowsKl[i - 1].ExpHist + 0.01) throw new Exception("KL should fall along t");
if (!(rowsKl[^1].MnistHist < 0.01 && rowsKl[^1].ExpHist < 0.01)) throw new Exception("x_T should be close to N(0, 1)");

// %%
double[] tAxis = rowsKl.Select(r => (double)Math.Max(r.T, 1)).ToArray();
GenericChart KlLine(Func<(int T, double MnistHist, double MnistFit, double ExpHist, double ExpFit), double> value, string name, bool dashed) =>
    Chart.Line<double, double, string>(tAxis, rowsKl.Select(value).ToArray(), Name: name, ShowMarkers: true,
        LineDash: dashed ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Solid);
Chart.Combine(new[] {
        KlLine(r => r.MnistHist, "MNIST, histogram", dashed: false),
        KlLine(r => r.MnistFit, "MNIST, Gaussian fit", dashed: true),
        KlLine(r => r.ExpHist, "exponential, histogram", dashed: false),
        KlLine(r => r.ExpFit, "exponential, Gaussian fit", dashed: true) })
    .WithXAxisStyle<double, double, string>(TitleText: "t", AxisType: StyleParam.AxisType.Log)
    .WithYAxisStyle<double, double, string>(TitleText: "KL (nats)", AxisType: StyleParam.AxisType.Log)
    .WithTitle("KL(p(x_t) ‖ N(0,1)) along the forward process").WithSize(760, 420)

// %% [markdown]
// Both starts are driven to N(0, 1). The two estimators disagree where the distribution is far from Gaussian (the
// Gaussian fit cannot see the atom at −1 or the exponential's skew) and agree once x_t is nearly Gaussian.
// The seed poster's MNIST sequence (1.8643, 1.542, 0.501, 0.0993, 0.00101) has the same shape; its exact values depend
// on an estimator and pixel scaling it does not state.

// %%
course.End(pixels, exponential, x0, image, mnist);   // disposes them and checks that no tensor is left behind
