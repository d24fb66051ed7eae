// %% [markdown]
// # 04 · Score SDEs: forward and reverse SDEs, predictor-corrector sampling, the probability-flow ODE
//
// Song et al. (ICLR 2021), "Score-Based Generative Modeling through Stochastic Differential Equations", put DDPM and
// noise-conditional score networks into one frame: a forward SDE dx = f(x, t) dt + g(t) dw turns data into noise over
// t ∈ [0, 1], and the **reverse-time SDE**
//
// $$dx = \big[f(x, t) - g(t)^2\,\nabla_x \log p_t(x)\big]\,dt + g(t)\,d\bar w$$
//
// turns noise back into data, needing only the score ∇ log p_t. The same marginals p_t are also followed by the
// deterministic **probability-flow ODE** dx/dt = f(x, t) − ½ g(t)² ∇ log p_t(x). This notebook
//
// 1. writes the three SDEs of the paper (VP, sub-VP, VE) and checks their closed-form marginals against simulated paths;
// 2. samples a 2-D mixture whose score is known exactly, so the samplers' own errors show: predictor only, corrector only
//    and predictor-corrector at equal function evaluations (NFE), and the ODE;
// 3. turns the DDPM of notebook 03 into a VP-SDE score model (s = −ε/σ_t) and draws digits by the reverse SDE, PC and the ODE
//    from the same noise; encodes digits into the ODE's latent and back; shows the ODE's adaptive steps;
// 4. loads a VE NCSN++ trained on digits here, checks its score as a denoiser (Tweedie) and samples it with the same three;
// 5. reads the FID of every sampler on both models (the committed evaluations) and computes bits/dim of held-out digits by the ODE;
// 6. builds the FFHQ-256 NCSN++ of score_sde_pytorch and runs one forward pass.
//
// Every claim is checked by a number the cell prints.

// %%
#r "../bin/Release/net10.0/Diffusion.Lib.dll"
using System.IO;   // .NET Interactive does not import it by default
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;
using Diffusion.Data;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Hosting;
using Diffusion.Metrics;
using Diffusion.Models;
using Diffusion.Plotting;
using Diffusion.Pretrained;
using Diffusion.Recipes;
using Diffusion.Sde;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

// Loads TorchSharp's engine (LibTorch 2.10) on every core, seeds 0, says the profile; DIFFUSION_THREADS=1 on a busy machine.
var course = Course.Start();
Tensor Times(double t, long n) => full([n], t, dtype: float64);

// %% [markdown]
// ## Three forward SDEs
//
// | SDE | f(x, t) | g(t) | mean of x(t) given x(0) | std of x(t) given x(0) |
// |---|---|---|---|---|
// | VP (DDPM) | −½ β(t) x | √β(t) | e^{−½∫β} x(0) | √(1 − e^{−∫β}) |
// | sub-VP | −½ β(t) x | √(β(t) (1 − e^{−2∫β})) | e^{−½∫β} x(0) | 1 − e^{−∫β} |
// | VE (SMLD) | 0 | σ(t) √(2 ln(σ_max/σ_min)) | x(0) | σ(t) = σ_min (σ_max/σ_min)^t |
//
// with β(t) = β_min + t (β_max − β_min), β_min 0.1, β_max 20 and ∫β = ∫₀ᵗ β(s) ds. VP with N = 1000 steps is exactly DDPM's
// linear schedule β_i = 1e-4 … 0.02. The VE column is the paper's convention: the SDE started at t = 0 adds variance
// σ(t)² − σ_min², and σ(t) treats the data as already carrying noise σ_min (a difference of σ_min² = 1e-4 in the variance).
//
// The check: simulate dx = f dt + g dw by Euler-Maruyama (1000 steps) from x(0) = 0.5 and compare the paths' mean and std
// with the closed forms.

// %%
var sdes = new (string Name, Sde Sde)[] { ("VP", new VpSde(0.1, 20, 1000)), ("sub-VP", new SubVpSde(0.1, 20, 1000)), ("VE", new VeSde(0.01, 50, 1000)) };
const double X0 = 0.5;
int paths = CourseProfile.Pick(fast: 20_000, full: 100_000), simSteps = 1000;
var simulated = new Dictionary<string, (List<double> T, List<double> Mean, List<double> Std)>();
double worstMean = 0, worstStd = 0;
using (var g = new torch.Generator(1))
{
    foreach (var (name, sde) in sdes)
    {
        var record = (T: new List<double>(), Mean: new List<double>(), Std: new List<double>());
        var x = full([paths], X0, dtype: float64);
        double dt = 1.0 / simSteps;
        for (int k = 0; k < simSteps; k++)
        {
            using var scope = NewDisposeScope();
            var t = Times(k * dt, paths);
            var next = x + sde.Drift(x, t) * dt + sde.Diffusion(t) * Math.Sqrt(dt) * randn([paths], dtype: float64, generator: g);
            x.Dispose();
            x = next.MoveToOuterDisposeScope();
            if ((k + 1) % 50 == 0)
            {
                double tk = (k + 1) * dt;
                double mean = x.mean().item<double>(), std = x.std().item<double>();
                double cfMean = sde.MeanCoefficient(Times(tk, 1)).item<double>() * X0;
                double cfStd = sde.MarginalStd(Times(tk, 1)).item<double>();
                if (sde is VeSde ve) cfStd = Math.Sqrt(cfStd * cfStd - ve.SigmaMin * ve.SigmaMin);   // started at t = 0
                record.T.Add(tk); record.Mean.Add(mean); record.Std.Add(std);
                worstMean = Math.Max(worstMean, Math.Abs(mean - cfMean) / (cfStd / Math.Sqrt(paths)));   // in standard errors
                worstStd = Math.Max(worstStd, Math.Abs(std / cfStd - 1));
            }
        }
        x.Dispose();
        simulated[name] = record;
        int last = record.T.Count - 1;
        Console.WriteLine($"{name,-7} t = 1: simulated mean {record.Mean[last]:F4} std {record.Std[last]:F4};  closed form mean " +
            $"{sde.MeanCoefficient(Times(1, 1)).item<double>() * X0:F4} std {sde.MarginalStd(Times(1, 1)).item<double>():F4}");
    }
}
Console.WriteLine($"{paths:N0} paths × {simSteps} Euler-Maruyama steps, checked every 50 steps: worst mean error {worstMean:F2} standard errors, worst std error {100 * worstStd:F2}%");
if (worstMean > 5 || worstStd > 0.03) throw new Exception("a closed-form marginal disagrees with the simulated paths");

// %%
var stdCurves = new List<Curve>();
string[] palette = ["#1f77b4", "#d62728", "#2ca02c"];
for (int i = 0; i < sdes.Length; i++)
{
    var (name, sde) = sdes[i];
    var grid = Enumerable.Range(1, 100).Select(k => k / 100.0).ToArray();
    using var tGrid = tensor(grid, dtype: float64);
    stdCurves.Add(new Curve($"{name}: σ(t) closed form", sde.MarginalStd(tGrid).data<double>().ToArray(), grid, palette[i]));
    stdCurves.Add(new Curve($"{name}: simulated", simulated[name].Std, simulated[name].T, palette[i], Dashed: true));
}
Figures.Curves(stdCurves, xTitle: "t", yTitle: "std of x(t) given x(0)", logY: true, title: "VP keeps the variance at 1, sub-VP below it, VE explodes to σ_max")

// %% [markdown]
// The same three SDEs on a digit, x(t) = m(t) x(0) + σ(t) z with one z for all (rows: VP, sub-VP, VE; t = 0, 0.1, 0.25, 0.5,
// 0.75, 1; the VE row is clipped to [−1, 1], where its noise soon swamps everything).

// %%
var mnist = Mnist.LoadNpm();
var (trainSet, testSet) = mnist.Split(2000, 1234);
var testImages = testSet.Images * 2.0 - 1.0;     // [2000, 1, 28, 28] on [−1, 1]
double[] showTimes = [0, 0.1, 0.25, 0.5, 0.75, 1.0];
using (var scope = NewDisposeScope())
{
    var digit = testImages.narrow(0, 0, 1).to(float64);
    using var g = new torch.Generator(4);
    var z = randn(digit.shape, dtype: float64, generator: g);
    var rows = new List<Tensor>();
    foreach (var (_, sde) in sdes)
        foreach (double t in showTimes)
        {
            var (mean, std) = sde.MarginalProb(digit, Times(t, 1));
            rows.Add((mean + Sde.Rows(std, digit) * z).clamp(-1, 1).to(float32));
        }
    Images.Show(cat(rows, 0), nrow: showTimes.Length);
}

// %% [markdown]
// ## Sampling with an exact score: predictor, corrector, both
//
// To see what the samplers themselves do, take data whose score is known at every t: eight Gaussians (std 0.05) on a ring
// of radius 0.7. Under any linear SDE p_t is again a mixture, Σ_k w_k N(m(t) μ_k, (m(t)² s² + σ(t)²) I), and its score is
// a posterior-weighted pull towards the centres (`GaussianMixtureData.Score`). No network, no training error.
//
// The samplers (`lib/Sde`), each a small type with one `Update`:
//
// * **predictor** (reverse diffusion): one step of the discretised reverse SDE, x ← x − f_i + g_i² s(x, t_i) + g_i z;
// * **corrector** (Langevin): x ← x + ε s(x, t) + √(2ε) z at fixed t, with ε = 2 α (r ‖z‖/‖s‖)² (the "snr" rule, r = 0.16);
// * **PC**: at each of N times the corrector first, then the predictor; the last step returns the predictor's mean.
//
// All three get the same budget: 2K score evaluations (predictor only: N = 2K; corrector only: N = 2K levels of one
// Langevin step; PC: N = K; K ≥ 25, since DDPM's discretisation β_i = β(t_i)/N needs β_max/N < 1). Quality, against
// 2,000 fresh mixture points:
//
// * the **energy distance** D² = 2E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖ (0 for equal distributions; this estimate can dip
//   below 0 by its sampling noise, shown by the floor, two independent sets of true points);
// * the **width**: √(mean squared distance to the nearest centre / (2 s²)), 1 for true draws, above 1 when the sampler
//   leaves its points blurred around the modes (or far from them), below 1 when it pulls them onto the centres;
// * the **weight error**: the worst |share of points nearest μ_k − 1/8|.

// %%
var ring = GaussianMixtureData.Ring(8, 0.7, 0.05);
int toyCount = 2000;
var toyGen = new torch.Generator(7);
var reference = ring.Sample(toyCount, toyGen, float32);
float[] referencePoints = reference.data<float>().ToArray();
double toyFloor;
using (var other = ring.Sample(toyCount, toyGen, float32)) toyFloor = PointCloudDistance.Energy(referencePoints, other.data<float>().ToArray());

(Tensor Samples, int Nfe) RunToy(string kind, int k, ulong seed)
{
    using var g = new torch.Generator(seed);
    var prior = new VpSde(0.1, 20, 1000).PriorSampling([toyCount, 2], g);
    var sde = new VpSde(0.1, 20, kind == "PC" ? k : 2 * k);
    var score = ring.Score(sde);
    Predictor? predictor = kind == "corrector only" ? null : new ReverseDiffusionPredictor(sde, score, NoiseSources.From(g));
    Corrector? corrector = kind == "predictor only" ? null : new LangevinCorrector(sde, score, NoiseSources.From(g), snr: 0.16);
    var result = new PcSampler(sde, predictor, corrector).Sample(prior);
    prior.Dispose();
    return (result.Samples, result.Nfe);
}

int[] budgets = CourseProfile.Pick<int[]>(fast: [25, 100, 400], full: [25, 100, 400, 1000]);
string[] kinds = ["predictor only", "corrector only", "PC"];
var toyTable = new List<(string Kind, int K, int Nfe, double Energy, double Width, double WeightError)>();
var shownToy = new Dictionary<string, Tensor>();
foreach (var (k, kind) in Progress.Over(budgets.SelectMany(k => kinds.Select(kind => (k, kind))).ToList(), "budgets × samplers"))
    {
        var (samples, nfe) = RunToy(kind, k, seed: 100);
        var (width, weightError) = ring.Fit(samples);
        toyTable.Add((kind, k, nfe, PointCloudDistance.Energy(referencePoints, samples.data<float>().ToArray()), width, weightError));
        if (k == 100) shownToy[kind] = samples; else samples.Dispose();
    }
var (trueWidth, trueWeightError) = ring.Fit(reference);
Console.WriteLine($"true points: energy distance {toyFloor:F4} (the floor), width {trueWidth:F3}, weight error {trueWeightError:F3}");
Console.WriteLine($"{"NFE",5} | {string.Join(" | ", kinds.Select(k => $"{k + ": D², width, weight",-36}"))}");
foreach (int k in budgets)
    Console.WriteLine($"{2 * k,5} | {string.Join(" | ", kinds.Select(kind => toyTable.Single(r => r.Kind == kind && r.K == k)).Select(r => $"{r.Energy,9:F4}  {r.Width,6:F3}  {r.WeightError,6:F3}{"",-13}"))}");
if (toyTable.Any(r => r.Nfe != 2 * r.K)) throw new Exception("the budgets are not equal");
if (toyTable.Any(r => !double.IsFinite(r.Energy))) throw new Exception("a sampler diverged");

// %% [markdown]
// What the table shows, checked below: with few evaluations the corrector alone cannot carry points from the prior to the
// ring (Langevin at a fixed t samples p_t only after many steps at that t: its width stays far above 1), while the
// predictor already finds the modes. Coarse predictor steps end too narrow (width below 1: the last steps' noise is
// missing), and the energy distance, which sees the modes' positions and weights, hardly notices. At the largest budget
// PC and the predictor put every mode at its weight with the width of true draws. With an exact score the corrector adds
// little at equal NFE here; Song et al. found PC ahead for learned scores on images.

// %%
var smallest = budgets.Min();
var largest = budgets.Max();
(double Energy, double Width, double WeightError) Row(string kind, int k) { var r = toyTable.Single(r => r.Kind == kind && r.K == k); return (r.Energy, r.Width, r.WeightError); }
Console.WriteLine($"NFE {2 * smallest}: energy distance, predictor only {Row("predictor only", smallest).Energy:F4} vs corrector only {Row("corrector only", smallest).Energy:F4}");
Console.WriteLine($"NFE {2 * largest}: width PC {Row("PC", largest).Width:F3}, predictor only {Row("predictor only", largest).Width:F3}; " +
    $"weight error PC {Row("PC", largest).WeightError:F3}, predictor only {Row("predictor only", largest).WeightError:F3} (true draws: {trueWidth:F3}, {trueWeightError:F3})");
if (!(Row("predictor only", smallest).Energy < Row("corrector only", smallest).Energy)) throw new Exception("at the smallest budget the predictor should beat the corrector alone");
foreach (var kind in new[] { "PC", "predictor only" })
{
    var (_, width, weightError) = Row(kind, largest);
    if (!(Math.Abs(width - 1) < 0.05 && weightError < 0.035)) throw new Exception($"{kind} at NFE {2 * largest} should match the true widths and weights");
}
Chart.Grid(kinds.Select(kind => Figures.Points(shownToy[kind], kind, size: 2)).Prepend(Figures.Points(reference, "true", size: 2)).ToArray(),
    nRows: 1, nCols: 4, SubPlotTitles: kinds.Prepend("true mixture").Select(k => k == "true mixture" ? k : $"{k} (NFE 200)").ToArray()).WithSize(1100, 320)

// %% [markdown]
// ### The probability-flow ODE
//
// The ODE needs no noise and no fixed grid: `ProbabilityFlowSampler` integrates it from t = 1 to ε = 1e-3 by Dormand-Prince
// RK4(5) (`DormandPrince`), which chooses its own steps to keep the local error below atol + rtol·|x|. The tolerance sets
// the NFE:

// %%
double[] tolerances = CourseProfile.Pick<double[]>(fast: [1e-1, 1e-2, 1e-3, 1e-5], full: [1e-1, 1e-2, 1e-3, 1e-4, 1e-5]);
var odeRows = new List<(double Tol, int Nfe, int Rejected, double Energy, double Width, double WeightError)>();
OdeSolution? toySolution = null;
foreach (double tol in Progress.Over(tolerances, "tolerances"))
{
    using var g = new torch.Generator(100);
    var sde = new VpSde(0.1, 20, 1000);
    using var prior = sde.PriorSampling([toyCount, 2], g);
    var (result, solution) = new ProbabilityFlowSampler(sde, ring.Score(sde), rtol: tol, atol: tol).Sample(prior);
    var (width, weightError) = ring.Fit(result.Samples);
    odeRows.Add((tol, result.Nfe, solution.Rejected, PointCloudDistance.Energy(referencePoints, result.Samples.data<float>().ToArray()), width, weightError));
    if (tol == 1e-5) toySolution = solution; else result.Samples.Dispose();
}
Console.WriteLine($"rtol = atol |  NFE | rejected | energy distance | width | weight error   (floor {toyFloor:F4}; true draws {trueWidth:F3}, {trueWeightError:F3})");
foreach (var r in odeRows) Console.WriteLine($"{r.Tol,11:E0} | {r.Nfe,4} | {r.Rejected,8} | {r.Energy,15:F4} | {r.Width,5:F3} | {r.WeightError,12:F3}");
if (!odeRows.Zip(odeRows.Skip(1)).All(p => p.Second.Nfe >= p.First.Nfe)) throw new Exception("a tighter tolerance should not take fewer evaluations");
if (!(Math.Abs(odeRows[^1].Width - 1) < 0.05 && odeRows[^1].WeightError < 0.035)) throw new Exception("the ODE at 1e-5 should match the true widths and weights");
var toyTimes = new List<double> { 1.0 };
foreach (var h in toySolution!.StepSizes) toyTimes.Add(toyTimes[^1] - h);
Figures.Curves([new Curve("step size |h|", toySolution.StepSizes.Select(Math.Abs).ToList(), toyTimes.Skip(1).ToList())], xTitle: "t at the end of the step",
    yTitle: "|h|", logY: true, markers: true, title: $"RK45's accepted steps, rtol = atol = 1e-5 ({toySolution.Nfe} NFE): small where the modes separate")

// %% [markdown]
// ## Digits: the DDPM of notebook 03 as a VP-SDE score model
//
// A DDPM ε-model is a score model: x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε gives ∇ log q(x_t) = −E[ε | x_t]/√(1 − ᾱ_t) (Tweedie), and
// VpSde(0.1, 20, 1000) is its schedule. `EpsilonScore.From` makes the shipped `ddpm-mnist` model a `ScoreModel` on DDPM's
// integer steps; with it the VP **ancestral** predictor *is* DDPM's Algorithm 2. Checked on the first 20 steps of both
// chains with the same x_T and the same z's:

// %%
string modelFolder = Environment.GetEnvironmentVariable("DIFFUSION_DDPM_FOLDER") ?? "../data/checkpoints/ddpm-mnist";
var model = TrainedModel.Load(modelFolder);
var vp = (VpSde)model.ScoreSde;
Console.WriteLine($"{modelFolder}: {model.Card.Name}, {model.Card.Parameters:N0} parameters, {model.Card.Steps:N0} steps; score SDE: VP β {vp.BetaMin}..{vp.BetaMax}, N = {vp.N}");
double chainGap;
using (var scope = NewDisposeScope())
using (var noGrad = no_grad())
{
    var schedule = model.Schedule;   // the process saved with the model: T = 1000, linear β 1e-4 … 0.02
    var epsilon = model.Epsilon;
    using var g = new torch.Generator(11);
    // Noise from a CPU generator (the same numbers on any machine), moved to the model's device (a GPU when there is one).
    var xT = randn([4, 1, 28, 28], generator: g).to(model.Device);
    var zs = Enumerable.Range(0, 20).Select(_ => randn([4, 1, 28, 28], generator: g).to(model.Device)).ToList();
    int next = 0, nextD = 0;
    var predictor = new AncestralPredictor(vp, EpsilonScore.From(epsilon, vp), (shape, dtype, device) => zs[next++].clone());
    var ddpmSampler = new DdpmSampler(schedule, VarianceType.FixedLarge, clipSample: false);
    Tensor xs = xT, xd = xT;
    foreach (int i in ddpmSampler.Timesteps.Take(20))
    {
        xs = predictor.Update(xs, full([4], i / 999.0, device: model.Device)).X;
        xd = ddpmSampler.Step(epsilon(xd, NoiseSchedule.Steps(i, 4, model.Device)), i, xd, (shape, dtype, device) => zs[nextD++].clone()).PrevSample;
    }
    chainGap = (xs - xd).abs().max().item<float>();
}
Console.WriteLine($"max |VP ancestral predictor − DDPM Algorithm 2| after 20 steps: {chainGap:E2}");
if (chainGap > 1e-4) throw new Exception("the adapter's ancestral predictor should be DDPM's sampler");

// %% [markdown]
// ### One noise, three samplers
//
// For the ODE the score must be continuous in t: `model.Score` feeds the UNet the real-valued label t (N − 1) and
// interpolates √(1 − ᾱ) between steps (`EpsilonScore.Interpolated`). The same x_T goes to Euler-Maruyama on the reverse
// SDE, to PC (reverse-diffusion predictor + Langevin corrector, snr 0.16) and to the ODE. The stochastic samplers give
// different digits from the same start; the ODE is a deterministic map from noise to digit. Euler-Maruyama takes N steps
// and PC N/2 (a corrector and a predictor evaluation each), so both spend the same NFE.

// %%
int digitCount = 8;
int digitSteps = CourseProfile.Pick(fast: 100, full: 1000);
double digitTol = CourseProfile.Pick(fast: 1e-3, full: 1e-5);
var score = model.Score;
var digitRows = new List<Tensor>();
var digitStats = new List<(string Name, int Nfe, double Seconds)>();
using (var noGrad = no_grad())
{
    using var g = new torch.Generator(2024);
    var xT = randn([digitCount, 1, 28, 28], generator: g).to(model.Device);
    var sampling = new VpSde(0.1, 20, digitSteps);
    var half = new VpSde(0.1, 20, digitSteps / 2);
    var runs = new (string Name, Func<SampleResult> Run)[]
    {
        ("Euler-Maruyama", () => new PcSampler(sampling, new EulerMaruyamaPredictor(sampling, score, NoiseSources.From(g)), null).Sample(xT)),
        ("PC", () => new PcSampler(half, new ReverseDiffusionPredictor(half, score, NoiseSources.From(g)), new LangevinCorrector(half, score, NoiseSources.From(g), snr: 0.16)).Sample(xT)),
        ("ODE", () => new ProbabilityFlowSampler(vp, score, rtol: digitTol, atol: digitTol, denoise: true).Sample(xT).Result),
    };
    foreach (var (name, run) in Progress.Over(runs, "samplers"))
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = run();
        digitStats.Add((name, result.Nfe, clock.Elapsed.TotalSeconds));
        digitRows.Add(result.Samples.clamp(-1, 1).cpu());
        result.Samples.Dispose();
    }
    xT.Dispose();
}
foreach (var (name, nfe, seconds) in digitStats) Console.WriteLine($"{name,-15} NFE {nfe,5}  {seconds,6:F1} s for {digitCount} digits");
Console.WriteLine($"rows: {string.Join(", ", digitStats.Select(s => s.Name))}");
using (var grid = cat(digitRows, 0)) Images.Show(grid, nrow: digitCount);

// %% [markdown]
// Do they have the statistics of digits? MNIST is mostly black background with saturated strokes: the share of pixels
// within 0.1 of −1 and the mean pixel of the samples should be near the held-out digits' (uniform noise is far off).
// At this small N, PC leaves a faint grain in the background (visible in the second row): its corrector's Langevin steps
// add noise √(2ε) z that N/2 predictor steps no longer remove, so fewer pixels are fully black. More steps shrink it.

// %%
(double Background, double Mean) PixelStats(Tensor images)
{
    using var scope = NewDisposeScope();
    return ((images < -0.9).to(float32).mean().item<float>(), images.mean().item<float>());
}
var realStats = PixelStats(testImages.narrow(0, 0, 500));
Console.WriteLine($"{"",-15} background share  mean pixel");
Console.WriteLine($"{"held-out digits",-15} {realStats.Background,16:F3}  {realStats.Mean,10:F3}");
for (int i = 0; i < digitRows.Count; i++)
{
    var st = PixelStats(digitRows[i]);
    Console.WriteLine($"{digitStats[i].Name,-15} {st.Background,16:F3}  {st.Mean,10:F3}");
    bool grainy = digitStats[i].Name == "PC";   // see above: checked only against noise
    if (!grainy && !(Math.Abs(st.Background - realStats.Background) < 0.1 && Math.Abs(st.Mean - realStats.Mean) < 0.1)) throw new Exception($"{digitStats[i].Name}'s samples do not have the pixel statistics of digits");
    if (grainy && !(st.Background > 0.5 && st.Background < realStats.Background)) throw new Exception("PC's background should be mostly black, with some grain");
}
using (var noise = rand([100, 1, 28, 28]) * 2 - 1)
{
    var st = PixelStats(noise);
    Console.WriteLine($"{"uniform noise",-15} {st.Background,16:F3}  {st.Mean,10:F3}");
}

// %% [markdown]
// ### The ODE is invertible: digits into latents and back
//
// Integrating the same ODE forward, from ε to 1, encodes a digit into a latent z; integrating back decodes it. The round
// trip returns the digit up to the solver's tolerance (root-mean-square error over all pixels; single pixels on a stroke's
// edge can move more). The latent of a real digit is not a typical prior draw: it keeps a ghost of the digit (row 2).
// The round trip runs at a tolerance ten times tighter than the samples above: two passes add their errors, and near
// t = ε the trained score turns sharply, so at rtol 1e-3 the shipped model's round trip missed by 0.105 RMS, with one pixel
// off by 1.97 (a stroke's edge flipped).

// %%
double roundTripTol = digitTol / 10;
OdeSolution decodeSolution;
using (var scope = NewDisposeScope())
using (var noGrad = no_grad())
{
    var x0 = testImages.narrow(0, 0, 4);
    var ode = vp.Reverse(score, probabilityFlow: true);
    Tensor Rhs(double t, Tensor x) => ode.Drift(x, full([x.shape[0]], t, dtype: x.dtype));
    var encoded = DormandPrince.Solve(Rhs, x0, 1e-3, 1.0, roundTripTol, roundTripTol);
    decodeSolution = DormandPrince.Solve(Rhs, encoded.Y, 1.0, 1e-3, roundTripTol, roundTripTol);
    var error = decodeSolution.Y - x0;
    double rms = error.square().mean().sqrt().item<float>(), worst = error.abs().max().item<float>();
    double latentStd = encoded.Y.std().item<float>();
    Console.WriteLine($"encode: {encoded.Nfe} NFE, latent std {latentStd:F3} (prior: 1); decode: {decodeSolution.Nfe} NFE; decode(encode(x)) − x: RMS {rms:F4}, max {worst:F3}");
    Images.Show(cat([x0, encoded.Y.clamp(-1, 1), decodeSolution.Y.clamp(-1, 1)], 0), nrow: 4);
    if (!(rms < 0.1)) throw new Exception("the ODE round trip should return the digit");
    decodeSolution = decodeSolution with { Y = decodeSolution.Y.detach().clone().MoveToOuterDisposeScope() };
}
var decodeTimes = new List<double> { 1.0 };
foreach (var h in decodeSolution.StepSizes) decodeTimes.Add(decodeTimes[^1] - h);
Figures.Curves([new Curve("step size |h|", decodeSolution.StepSizes.Select(Math.Abs).ToList(), decodeTimes.Skip(1).ToList())], xTitle: "t",
    yTitle: "|h|", logY: true, markers: true, title: $"decoding digits: {decodeSolution.Accepted} accepted, {decodeSolution.Rejected} rejected steps at rtol = atol = {roundTripTol:E0}")

// %% [markdown]
// ## The VE model: an NCSN++ trained on digits
//
// The DDPM above is a VP model borrowed from notebook 03. `data/checkpoints/ncsnpp-mnist` is a score network trained as
// Song et al. train theirs: a small NCSN++ (Fourier time embedding, BigGAN residual blocks, skip rescaling) with the
// continuous denoising score-matching loss under the **VE** SDE, data in [0, 1], σ_min = 0.01 and σ_max = the largest
// distance between two training digits (Song and Ermon's rule: the prior N(0, σ_max² I) must cover every pair of data
// points). Its network is s_θ(x, σ(t)) directly, no ε in between. First, is it a good score? Tweedie's formula turns a score
// into a denoiser, E[x₀ | x] = x + σ² ∇ log p_σ(x): noise held-out digits at σ and denoise them with one evaluation.

// %%
string veFolder = Environment.GetEnvironmentVariable("DIFFUSION_VE_FOLDER") ?? "../data/checkpoints/ncsnpp-mnist";
var veModel = TrainedModel.Load(veFolder);
var ve = (VeSde)veModel.ScoreSde;
Console.WriteLine($"{veFolder}: {veModel.Card.Name}, {veModel.Card.Parameters:N0} parameters, {veModel.Card.Steps:N0} steps; " +
    $"VE σ {ve.SigmaMin}..{ve.SigmaMax} (largest distance between two training digits: {TrainingConfigs.MnistSigmaMax}), data in [{veModel.Range.Low}, {veModel.Range.High}]");
var veScore = veModel.Score;
Console.WriteLine($"{"σ",6} {"RMS noisy",10} {"RMS denoised",13}");
using (var scope = NewDisposeScope())
using (var noGrad = no_grad())
{
    var x0 = testSet.Images.narrow(0, 0, 64);   // [0, 1]
    using var g = new torch.Generator(7);
    foreach (double sigma in new[] { 0.1, 0.3, 1.0 })
    {
        double t = Math.Log(sigma / ve.SigmaMin) / Math.Log(ve.SigmaMax / ve.SigmaMin);   // σ(t) = σ_min (σ_max/σ_min)^t
        var noisy = x0 + sigma * randn(x0.shape, generator: g);
        var denoised = noisy + sigma * sigma * veScore(noisy, full([64], t));
        double before = (noisy - x0).square().mean().sqrt().item<float>(), after = (denoised - x0).square().mean().sqrt().item<float>();
        Console.WriteLine($"{sigma,6:F1} {before,10:F3} {after,13:F3}");
        if (!(after < 0.5 * before)) throw new Exception($"the VE score should denoise at σ = {sigma}: RMS {before:F3} → {after:F3}");
    }
}

// %% [markdown]
// Now digits from the VE prior N(0, σ_max² I) by Euler-Maruyama, PC (reverse-diffusion predictor + Langevin corrector at
// snr 0.16, the VE setting of score_sde_pytorch) and the ODE, through the same `TrainedModel.Sample` the sampling command
// uses. The VE SDE has no drift; the reverse process only removes noise, starting at a standard deviation of 15.8 per
// pixel. Samples in [0, 1] are mapped to [−1, 1] to compare their pixel statistics with the held-out digits'.

// %%
int veSteps = CourseProfile.Pick(fast: 400, full: 1000);
var veRuns = new (string Name, SamplingOptions Options)[]
{
    ("Euler-Maruyama", new SamplingOptions { Sampler = SamplerKind.Em, Steps = veSteps, Count = digitCount, Seed = 31 }),
    ("PC", new SamplingOptions { Sampler = SamplerKind.Pc, Steps = veSteps / 2, Count = digitCount, Seed = 31 }),
    ("ODE", new SamplingOptions { Sampler = SamplerKind.Ode, Tolerance = digitTol, Count = digitCount, Seed = 31 }),
};
var veRows = new List<Tensor>();
var veStats = new List<(string Name, double Background, double Mean)>();
Console.WriteLine($"{"VE sampler",-15} {"NFE",5} {"seconds",8} {"background share",17} {"mean pixel",11}");
foreach (var (name, options) in Progress.Over(veRuns, "VE samplers"))
{
    using var result = veModel.Sample(options);
    var row = result.Symmetric();
    var st = PixelStats(row);
    veRows.Add(row);
    veStats.Add((name, st.Background, st.Mean));
    Console.WriteLine($"{name,-15} {result.Nfe,5} {result.Seconds,8:F1} {st.Background,17:F3} {st.Mean,11:F3}");
}
Console.WriteLine($"{"held-out digits",-15} {"",5} {"",8} {realStats.Background,17:F3} {realStats.Mean,11:F3}");
Console.WriteLine($"rows: {string.Join(", ", veStats.Select(s => s.Name))}");
using (var grid = cat(veRows, 0)) Images.Show(grid, nrow: digitCount);
foreach (var (name, background, mean) in veStats.Where(s => s.Name != "ODE"))
    if (!(Math.Abs(mean - realStats.Mean) < 0.1 && Math.Abs(background - realStats.Background) < 0.1)) throw new Exception($"the VE model's {name} samples do not have the pixel statistics of digits");
var veOde = veStats.Single(s => s.Name == "ODE");   // see below: checked only against noise
if (!(veOde.Background > 0.3 && veOde.Background < veStats.Min(s => s.Background) + 1e-9)) throw new Exception("the VE ODE's samples should be digits with a grain");

// %% [markdown]
// The two stochastic samplers give clean digits with the pixel statistics of the held-out ones. The ODE's digits (third
// row) are there but sit in a grain: with VE there is no drift, the ODE only shrinks the prior's σ_max = 15.8 of noise
// per pixel down to σ_min by following the score, and every error of the score at large σ stays in the sample, while the
// SDE samplers inject fresh noise at each step and let later score evaluations correct earlier errors (Song et al. report
// their best VE results with PC; Karras et al. 2022 explain the same effect). A tighter tolerance does not remove it; more
// training, or a few Langevin corrector steps at the end, would.
//
// ## FID of every sampler
//
// FID needs a thousand samples per sampler: minutes to an hour each on this CPU, too long for a notebook. The evaluation
// command computes them all on the same model, reference digits and floor as notebook 03 and commits the table:
//
//     dotnet run --project environment/cli -- evaluate sde     # the DDPM as a VP score model → data/results/sde-mnist.json
//     dotnet run --project environment/cli -- evaluate sde --model data/checkpoints/ncsnpp-mnist --out data/results/sde-mnist-ve.json
//
// FID is biased upwards at small N, and so is the floor: compare each row with the floor printed beside it. When the
// committed table has few samples (its "samples"), rows a few points apart, or below the floor, are within its noise; the
// model card's 1,000-sample values, printed last, separate DDPM from DDIM clearly.
//
// The VE table is at 1,000 samples. The small VE NCSN++ (175,527 parameters against the DDPM's 1.6 million, 70 minutes of
// training) is far from the floor at 100 steps, gains from more steps (its card: PC with 250 steps), and its ODE samples
// pay for the grain seen above. PC beating the predictor alone at equal steps is what Song et al. (Table 1) found for their
// VE (SMLD) models too.

// %%
foreach (var (sdeResults, command) in new[] { ("../data/results/sde-mnist.json", "dotnet run --project environment/cli -- evaluate sde"),
    ("../data/results/sde-mnist-ve.json", "dotnet run --project environment/cli -- evaluate sde --model data/checkpoints/ncsnpp-mnist --out data/results/sde-mnist-ve.json") })
{
    if (!File.Exists(sdeResults))
    {
        Console.WriteLine($"{sdeResults} is not there yet: run `{command}` from the repository root.");
        continue;
    }
    var json = JsonNode.Parse(File.ReadAllText(sdeResults))!;
    Console.WriteLine($"{json["command"]}  (model {json["model"]}, {json["samples"]} samples, floor {json["floor"]})");
    Console.WriteLine($"{"sampler",-48} {"NFE",6} {"FID",8} {"s/sample",9}");
    foreach (var row in json["rows"]!.AsArray())
        Console.WriteLine($"{row!["sampler"],-48} {row["nfe"],6} {(double)row["fid"]!,8:F2} {(double)row["secondsPerSample"]!,9:F3}");
    Console.WriteLine();
}
foreach (var m in new[] { model, veModel })
{
    var metrics = m.Card.Metrics;
    Console.WriteLine($"{m.Card.Name} card ({metrics.GetValueOrDefault("fid_samples")} samples, floor {metrics.GetValueOrDefault("fid_floor")}): {metrics.GetValueOrDefault("sampler")} FID {metrics.GetValueOrDefault("fid")}" +
        (metrics.ContainsKey("fid_ddpm_100") ? $", ddpm-100 FID {metrics["fid_ddpm_100"]}" : ""));
}

// %% [markdown]
// ## Bits per dimension by the ODE
//
// The ODE gives exact likelihoods: log p_0(x(0)) = log p_1(x(1)) + ∫₀¹ ∇·f̃(x(t), t) dt, f̃ the ODE's drift. The divergence
// of a 784-dimensional network is estimated by Hutchinson's trick, ∇·f̃ ≈ vᵀ (∂f̃/∂x) v with a Rademacher v (one
// vector-Jacobian product per evaluation). 8-bit pixels k are dequantised, u = (k + U)/256 with U ~ U(0, 1), and mapped to
// [−1, 1], x = 2u − 1; bits/dim = −log p(x)/(D ln 2) + 7 (the 8 bits of a pixel minus log₂ of the scale 2). Uniform noise
// pixels are the baseline: a model that has learned digits must find them far less likely.

// %%
int bpdCount = CourseProfile.Pick(fast: 4, full: 100);
double bpdTol = CourseProfile.Pick(fast: 1e-3, full: 1e-5);
var likelihood = new OdeLikelihood(vp, score, DivergenceEstimator.Rademacher, eps: 1e-5, rtol: bpdTol, atol: bpdTol);
var bpdGen = new torch.Generator(5);
var digitPixels = (testSet.Images.narrow(0, 100, bpdCount) * 255).round();
var noisePixels = randint(0, 256, [bpdCount, 1, 28, 28], generator: bpdGen).to(float32);
var clockBpd = System.Diagnostics.Stopwatch.StartNew();
var digitBpd = likelihood.ComputeDequantized(digitPixels, DataScaling.MinusOneOne, bpdGen);
var noiseBpd = likelihood.ComputeDequantized(noisePixels, DataScaling.MinusOneOne, bpdGen);
double meanDigit = digitBpd.BitsPerDim.mean().item<double>(), meanNoise = noiseBpd.BitsPerDim.mean().item<double>();
Console.WriteLine($"{bpdCount} held-out digits: {meanDigit:F3} bits/dim (NFE {digitBpd.Nfe}); uniform-noise images: {meanNoise:F3} bits/dim; " +
    $"{clockBpd.Elapsed.TotalSeconds:F0} s at rtol = atol = {bpdTol:E0}");
Console.WriteLine("per digit: " + string.Join(", ", digitBpd.BitsPerDim.data<double>().ToArray().Select(b => b.ToString("F3"))));
if (!(meanDigit > 0 && meanDigit < 8)) throw new Exception("digits should cost fewer than 8 bits per pixel");
if (!(meanNoise > meanDigit + 2)) throw new Exception("noise should be far less likely than digits");

// The VE model sees x = u in [0, 1] (scale 1, so the offset is the full 8 bits): the same digits, the same kind of estimate.
var veLikelihood = new OdeLikelihood(ve, veScore, DivergenceEstimator.Rademacher, eps: 1e-5, rtol: bpdTol, atol: bpdTol);
var veDigitBpd = veLikelihood.ComputeDequantized(digitPixels, DataScaling.ZeroOne, bpdGen);
double meanVeDigit = veDigitBpd.BitsPerDim.mean().item<double>();
Console.WriteLine($"VE NCSN++: the same {bpdCount} digits {meanVeDigit:F3} bits/dim (NFE {veDigitBpd.Nfe})");
if (!(meanVeDigit > 0 && meanVeDigit < 8)) throw new Exception("the VE model should also find digits cheaper than 8 bits per pixel");

// %% [markdown]
// ## The FFHQ-256 configuration
//
// Song et al.'s FFHQ-256 model is an NCSN++ (`NcsnPpConfig.Ffhq256`): VE SDE with σ_max = 348 and N = 2000, a Gaussian
// Fourier time embedding, BigGAN-style residual blocks with FIR up/down-sampling, attention at 16 × 16, skip connections
// rescaled by 1/√2. Its parameter names and shapes are score_sde_pytorch's, so the published checkpoint loads. One forward
// pass at 256 × 256:

// %%
var ffhq = NcsnPpConfig.Ffhq256;
using (var scope = NewDisposeScope())
using (var noGrad = no_grad())
{
    using var net = new NcsnPp(ffhq);
    net.eval();
    long parameters = net.parameters().Sum(p => p.numel());
    using var g = new torch.Generator(1);
    var x = randn([1, 3, 256, 256], generator: g);
    var sigma = full([1], 10.0);
    var clockFfhq = System.Diagnostics.Stopwatch.StartNew();
    var s = net.call(x, sigma);
    Console.WriteLine($"FFHQ-256 NCSN++: {parameters:N0} parameters, σ {ffhq.SigmaMin}..{ffhq.SigmaMax}, N = {ffhq.NumScales}; " +
        $"one forward pass of [1, 3, 256, 256] → {Shapes.Format(s)} in {clockFfhq.Elapsed.TotalSeconds:F1} s on this CPU");
    if (!s.shape.SequenceEqual(x.shape) || !double.IsFinite(s.abs().sum().item<float>())) throw new Exception("the FFHQ-256 forward pass failed");
}

// %% [markdown]
// On a GPU machine (2000 PC steps per sample, so a GPU is not optional here):
//
// * train it on your own 256 × 256 face folder: `dotnet run --project environment/cli -- train --config ffhq256-ncsnpp --data ~/ffhq256 --out runs/ffhq` (the images are decoded batch by batch, never all at once);
// * or load the published weights: `NcsnPpCheckpoint.Load(net, "checkpoint_48.pth")` reads score_sde_pytorch's checkpoint
//   itself (its EMA weights, through TorchSharp.PyBridge's pickle reader: no Python needed); then sample with `PcSampler` on `new VeSde(0.01, 348, 2000)`
//   with snr 0.075 as above.
//
// ## Try it yourself
//
// * Swap `ReverseDiffusionPredictor` for `AncestralPredictor` or `EulerMaruyamaPredictor` in the toy, or the corrector for
//   `AnnealedLangevinCorrector`, and watch the energy distances.
// * Change the snr of the Langevin corrector (0.05 … 0.3) at NFE 100: too small does nothing, too large adds noise.
// * `dotnet run --project environment/cli -- sample --model data/checkpoints/ddpm-mnist --sampler ode:1e-5 --n 64 --out ode` writes
//   samples and a PNG grid from the command line, with a progress bar and the time left.

// %%
course.End(digitRows, veRows, shownToy, toySolution.Y, decodeSolution.Y, reference, toyGen, bpdGen, digitPixels, noisePixels, digitBpd, noiseBpd,
    veDigitBpd, model, veModel, testImages, trainSet, testSet, mnist);
