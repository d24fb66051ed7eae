// %% [markdown]
// # 02 · Score matching on a Swiss roll
//
// A diffusion model learns the **score** $\nabla_x \log p(x)$ of noised data and then follows it back to the data.
// In two dimensions we can see everything: the data, the true score, the learned score, and the samplers.
//
// This notebook: (1) motivates the score by the energy-based view and the Fisher divergence, (2) trains a small
// noise-conditioned network by **denoising score matching** and checks that its loss is that divergence, (3) compares it
// with the exact score of the noised data, (4) samples with **Langevin** and **annealed Langevin** dynamics and measures
// the samples against held-out data.
//
// Every claim is checked by a number the cell prints. Heavy work lives in the library (`Diffusion.Lib`).

// %%
#r "../bin/Release/net10.0/Diffusion.Lib.dll"
using TorchSharp;
using static TorchSharp.torch;
using Diffusion.Data;
using Diffusion.Hosting;
using Diffusion.Metrics;
using Diffusion.Models;
using Diffusion.Plotting;
using Diffusion.Score;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

// One thread: the matrices here are small (512 × 128), so splitting each op across cores costs more in synchronisation
// than it saves (measured: about 1.5 ms per training step on one thread; several times slower on two busy cores).
var course = Course.Start(threads: 1);   // DIFFUSION_THREADS overrides

// %% [markdown]
// ## The data
//
// The 2-D Swiss roll: $t \sim U(1.5\pi, 4.5\pi)$, $x = (t\cos t,\ t\sin t) + 0.5\,\mathcal N(0, I)$, scaled by 1/10.
// We keep 10,000 points for training and 2,000 held-out points to judge samples.

// %%
const int TrainCount = 10_000, HeldOutCount = 2_000;
var train = SwissRoll.Sample(TrainCount, noise: 0.5, seed: 1);
float[] trainPoints = train.data<float>().ToArray();
float[] heldOut = SwissRoll.SampleArray(HeldOutCount, noise: 0.5, seed: 2);
using (var shown = train.narrow(0, 0, 3000))
    Figures.Show(Figures.Points(shown, "training points", size: 3)
        .WithTitle("The Swiss roll (3,000 of 10,000 training points)").WithEqualAxes().WithSize(520, 500));

// %% [markdown]
// ## Why the score: the energy-based view
//
// The MA4530 project poster "Image Denoising via Advanced Diffusion Generative Modeling" (2023/24) motivates score models
// from an energy-based model, $p_\theta(x) = e^{-f_\theta(x)}/Z_\theta$ with $Z_\theta = \int e^{-f_\theta(x)}\,dx$. The
// normalising constant makes maximum likelihood hard (an integral over the whole space), but it drops out of the score:
//
// $$\nabla_x \log p_\theta(x) = -\nabla_x f_\theta(x) - \nabla_x \log Z_\theta = -\nabla_x f_\theta(x),$$
//
// because $Z_\theta$ does not depend on $x$. So a network $s_\theta(x) \approx \nabla_x \log p(x)$ can be fitted without
// ever computing $Z$, by minimising the **Fisher divergence** to the data's score,
//
// $$D_F(p \,\|\, p_\theta) = \mathbb E_{p(x)}\big\|s_\theta(x) - \nabla_x \log p(x)\big\|^2 .$$
//
// **Check.** The noised Swiss roll $p_\sigma(x) = \frac1N \sum_i \mathcal N(x; x_i, \sigma^2 I)$ has a score in closed form,
// $\nabla \log p_\sigma(x) = \sum_i w_i(x)(x_i - x)/\sigma^2$ with $w_i = \mathrm{softmax}_i(-\|x - x_i\|^2/2\sigma^2)$
// (`KernelDensityScore.Score`), which never computes a normaliser. Central finite differences of the log-density, shifted
// by an arbitrary constant (a wrong $\log Z$), must give the same vectors.

// %%
using (var scope = NewDisposeScope())
{
    const double Sigma = 0.1, H = 1e-4, WrongLogZ = 123.4;
    float[] probe = train.narrow(0, 0, 50).data<float>().ToArray();
    double[] exact = KernelDensityScore.Score(probe, trainPoints, Sigma);
    double LogP(float[] q) => KernelDensityScore.LogDensity(q, trainPoints, Sigma)[0] + WrongLogZ;
    double worst = 0;
    for (int k = 0; k < probe.Length; k++)
    {
        float[] plus = [probe[k - k % 2], probe[k - k % 2 + 1]], minus = [plus[0], plus[1]];
        plus[k % 2] += (float)H; minus[k % 2] -= (float)H;
        double h = (plus[k % 2] - minus[k % 2]) / 2.0;   // the steps float32 actually took
        double finiteDifference = (LogP(plus) - LogP(minus)) / (2 * h);
        worst = Math.Max(worst, Math.Abs(finiteDifference - exact[k]) / (1 + Math.Abs(exact[k])));
    }
    Check.Below(worst, 1e-3, "finite differences of log p_σ + a wrong log Z equal the closed-form score (worst relative gap, 50 points, σ = 0.1)");
}

// %% [markdown]
// ## Denoising score matching
//
// The Fisher divergence needs the data's score $\nabla \log p$, which is unknown. Hyvärinen (2005) removed it by
// integration by parts (at the price of the trace of $s_\theta$'s Jacobian); Vincent (2011) perturbs the data instead,
// $\tilde x = x + \sigma z$, whose noising kernel has a known score $\nabla \log q_\sigma(\tilde x \mid x) = -(\tilde x - x)/\sigma^2 = -z/\sigma$,
// and showed that regressing onto it,
//
// $$\ell(\theta;\sigma) = \tfrac12\,\mathbb{E}_{x,z}\big\|s_\theta(x+\sigma z,\sigma) + z/\sigma\big\|^2,$$
//
// is the Fisher divergence to the noised data $p_\sigma$ up to a constant (checked below, after training). We train one
// network for all $\sigma$ in $[\sigma_{\min}, \sigma_{\max}]$ with $\log\sigma$ uniform and the weighting
// $\lambda(\sigma) = \sigma^2$ (Song and Ermon 2019), so every level counts alike:
//
// $$L(\theta) = \mathbb{E}_{\sigma,x,z}\ \tfrac12\big\|\sigma\, s_\theta(x+\sigma z,\sigma) + z\big\|^2 .$$
//
// The network is `ScoreMlp`: an MLP on $[x$, Fourier features of $\log\sigma]$, whose output is divided by $\sigma$.

// %%
const double SigmaMin = 0.02, SigmaMax = 1.5;
int trainSteps = CourseProfile.Pick(fast: 3000, full: 12000);
var model = new ScoreMlp(dim: 2, hidden: 128, depth: 3);
var dsm = new DenoisingScoreMatching(SigmaMin, SigmaMax);
double[] losses = dsm.Train(model, train, steps: trainSteps, batchSize: 512, learningRate: 2e-3, seed: 3);
Console.WriteLine($"{model.parameters().Sum(p => p.numel()):N0} parameters, {trainSteps} steps");
Check.Below(losses.TakeLast(200).Average(), losses.Take(50).Average() - 0.1, "the loss fell by more than 0.1 (mean of the last 200 steps; bound: the first 50 − 0.1)");
Figures.LossCurve(losses, window: 100, title: "Denoising score matching loss").WithSize(700, 380)

// %% [markdown]
// The loss does not go to zero: even the exact score leaves $\tfrac12\mathbb E\|\sigma s + z\|^2 > 0$, because the part
// of the noise that is indistinguishable from data cannot be predicted (at $\sigma$ below the roll's own 0.05 noise that
// is almost all of it: $\tfrac12 d = 1$). What matters is how close $s_\theta$ is to the **true score of the noised data**.
//
// ## The learned score against the true score
//
// We compare on a 41 × 41 grid over the data, weighting each grid point by $p_\sigma$ (errors where there is no probability
// mass do not matter to a sampler), and plot the relative error
// $\sqrt{\sum p_\sigma\|s_\theta - s\|^2} \big/ \sqrt{\sum p_\sigma\|s\|^2}$ against $\sigma$.

// %%
Tensor LearnedScore(Tensor points, double sigma)
{
    using var noGrad = no_grad();
    return model.forward(points, full([points.shape[0]], sigma));
}
double[] sigmas = [0.05, 0.1, 0.2, 0.5, 1.0], relativeErrors;
using (var scope = NewDisposeScope())
{
    var axis = linspace(-1.6, 1.6, 41);
    var mesh = meshgrid([axis, axis], indexing: "xy");
    var grid = stack([mesh[0].flatten(), mesh[1].flatten()], 1);   // [41², 2]
    relativeErrors = sigmas.Select(s => KernelDensityScore.WeightedRelativeError(grid, LearnedScore(grid, s), train, s)).ToArray();
}
double allowed = CourseProfile.Pick(fast: 0.35, full: 0.25);
Check.Below(relativeErrors.Where((e, i) => sigmas[i] >= 0.2).Max(), allowed, "s_θ is close to the true score for σ ≥ 0.2 (worst relative error)");
Figures.Curves([new Curve("relative error of s<sub>θ</sub>", relativeErrors, sigmas)], xTitle: "σ", yTitle: "relative error (p<sub>σ</sub>-weighted)",
    logX: true, markers: true, title: "The learned score against the exact score of p<sub>σ</sub>").WithSize(620, 360)

// %% [markdown]
// The error grows as $\sigma$ shrinks: the true score of $p_\sigma$ varies on the scale $\sigma$, so at small $\sigma$ it is
// a sharp field around the thin roll that a small network trained for a few thousand steps only approximates (and the
// network sees each small $\sigma$ rarely). What the samplers need is the large-$\sigma$ field to bring points near the
// roll and the small-$\sigma$ field to settle them.
//
// ### The loss we minimise is the Fisher divergence
//
// Vincent's identity, at one $\sigma$: for any $s$, $\ell(s;\sigma) = \tfrac12 D_F(p_\sigma \,\|\, s) + C_\sigma$, with
// $C_\sigma$ independent of $s$. So the loss of the trained network minus the loss of the exact score must equal half the
// Fisher divergence between them. **Check** by Monte Carlo on 20,000 noised training points (within four standard
// errors; the points are drawn from all 10,000 that $p_\sigma$ is made of): a denoising target of the wrong sign or scale breaks it.

// %%
using (var scope = NewDisposeScope())
using (var g = new torch.Generator(11))
{
    const double Sigma = 0.2;
    int m = 20_000;
    var z = randn([m, 2], generator: g);
    var noisy = train.index_select(0, randint(0, TrainCount, [m], generator: g)) + Sigma * z;   // x from all the points p_σ is made of
    Tensor sTheta = LearnedScore(noisy, Sigma), sStar = KernelDensityScore.Score(noisy, train, Sigma);
    var lossGap = 0.5 * ((sTheta + z / Sigma).square().sum(1) - (sStar + z / Sigma).square().sum(1));   // ℓ(s_θ) − ℓ(s), per point
    var halfFisher = 0.5 * (sTheta - sStar).square().sum(1);                                            // ½ ‖s_θ − s‖², per point
    double se = (lossGap - halfFisher).std().item<float>() / Math.Sqrt(m);
    Check.Near(lossGap.mean().item<float>(), halfFisher.mean().item<float>(), 4 * se, "ℓ(s_θ; 0.2) − ℓ(exact score; 0.2) equals ½ D_F(p_σ ‖ s_θ)");
}

// %% [markdown]
// The field itself: arrows of the learned score at $\sigma = 0.1$ over the data. Every arrow has the same length: the
// picture shows where the score points (towards the roll), not how strongly.

// %%
using (var noGrad = no_grad())
using (var dataShown = train.narrow(0, 0, 2000))
    Figures.Show(Figures.ScoreField(x => model.forward(x, full([x.size(0)], 0.1)), -1.6, 1.6, gridSize: 21, data: dataShown, name: "s<sub>θ</sub>(x, 0.1)")
        .WithTitle("Learned score field at σ = 0.1").WithEqualAxes().WithSize(560, 540));

// %% [markdown]
// ## Langevin dynamics
//
// Langevin dynamics turns a score into samples: $x_{k+1} = x_k + \tfrac{\epsilon}{2}\, s(x_k) + \sqrt{\epsilon}\, z_k$. With
// the score at the smallest noise level only, chains started from uniform noise far from the data follow a score that was
// learned where there is almost no data: the failure that motivated **annealed** Langevin dynamics (Song and Ermon 2019,
// Algorithm 1): run a few steps at each $\sigma_i$ of a decreasing ladder with step $\alpha_i = \epsilon\,\sigma_i^2/\sigma_L^2$.

// %%
int chains = CourseProfile.Pick(fast: 1000, full: 2000);
var generator = new torch.Generator(7);
var start = rand([chains, 2], generator: generator) * 3.2 - 1.6;
ScoreFunction score = (x, sigma) => model.forward(x, sigma);
var plain = Langevin.Sample(score, start, sigma: SigmaMin, stepSize: 1e-4, steps: 1000, generator: generator, recordEvery: 50);
double[] ladder = NoiseLevels.Geometric(SigmaMax, SigmaMin, 10);
var annealed = Langevin.Annealed(score, start, ladder, epsilon: 0.2 * SigmaMin * SigmaMin, stepsPerLevel: 100, generator: generator, recordEvery: 50);
Console.WriteLine("σ ladder: " + string.Join(", ", ladder.Select(s => s.ToString("G3"))));
Figures.PointPanels([("Langevin at σ_min (1,000 steps)", plain.Samples), ("annealed Langevin (10 levels × 100 steps)", annealed.Samples)], limit: 1.8, panelSize: 400)

// %% [markdown]
// ## How good are the samples?
//
// The **energy distance** $D^2 = 2\mathbb E\|X - Y\| - \mathbb E\|X - X'\| - \mathbb E\|Y - Y'\|$ is zero exactly when two
// distributions agree. We measure each sampler against the 2,000 held-out points, with two references: fresh Swiss-roll
// points (the floor: what sampling noise alone gives) and plain Gaussian noise (the bad baseline).

// %%
float[] gaussian;
using (var g = new torch.Generator(5)) using (var noise = randn([chains, 2], generator: g) * 0.7) gaussian = noise.data<float>().ToArray();
var energy = new (string Name, float[] Points)[] {
        ("fresh Swiss-roll points (floor)", SwissRoll.SampleArray(chains, noise: 0.5, seed: 4)),
        ("annealed Langevin", annealed.Samples.data<float>().ToArray()),
        ("Langevin at σ_min", plain.Samples.data<float>().ToArray()),
        ("Gaussian noise (baseline)", gaussian) }
    .ToDictionary(r => r.Name, r => PointCloudDistance.Energy(r.Points, heldOut));
foreach (var (name, d2) in energy) Console.WriteLine($"{name,-34} energy distance {d2:F4}");
Check.Less(energy["annealed Langevin"], "annealed", 0.25 * energy["Gaussian noise (baseline)"], "¼ × noise", "annealed Langevin is far better than noise");
Check.Less(energy["annealed Langevin"], "annealed", energy["Langevin at σ_min"], "plain", "annealing beats plain Langevin");

// %% [markdown]
// ## Trajectories
//
// The chains of annealed Langevin dynamics, every 50 steps: noise contracts onto the roll as $\sigma$ falls.
// Press ▶ to play.

// %%
Figures.Trajectory(annealed.Snapshots, k => $"{k * 50}", maxPoints: 600, limit: 1.8)
    .With(c => c.WithTitle("Annealed Langevin trajectories").WithSize(560, 600))

// %% [markdown]
// ## What to try
//
// * Train with a single $\sigma$ (set $\sigma_{\min}$ close to $\sigma_{\max}$) and watch annealed sampling fail.
// * Change the ladder length or $\epsilon$: too large a step and the chains diverge, too small and they do not mix.
// * Replace $\lambda(\sigma) = \sigma^2$ by $\lambda(\sigma) = 1$ in `DenoisingScoreMatching` and compare the error plot.

// %%
course.End(model, train, start, generator, plain.Samples, annealed.Samples);
