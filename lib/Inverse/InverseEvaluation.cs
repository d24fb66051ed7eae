using System.Diagnostics;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>One row of the inverse-problem table: a method's reconstructions of the same digits from the same y.</summary>
/// <param name="Task">"inpainting", "deblurring".</param>
/// <param name="Method">One of <see cref="InverseEvaluation.Methods"/>.</param>
/// <param name="Images">How many digits.</param>
/// <param name="Psnr">Mean PSNR (dB) against x_0, on [0, 1] images ((x + 1)/2, the reconstruction clamped).</param>
/// <param name="Ssim">Mean SSIM (11×11 Gaussian window, σ 1.5) on the same images.</param>
/// <param name="FeatureDistance">Mean ‖φ(x_0) − φ(x̂)‖ in the MNIST classifier's features (not LPIPS; see <see cref="Metrics.FeatureDistance"/>).</param>
/// <param name="SecondsPerImage">Wall time of the method divided by the number of digits (batched where the method allows).</param>
/// <param name="Lambda">The TV weight λ used (TV rows only).</param>
/// <param name="Settings">The method's settings in words.</param>
public sealed record InverseRow(string Task, string Method, int Images, double Psnr, double Ssim, double FeatureDistance, double SecondsPerImage,
    double? Lambda, string Settings);

/// <summary>One row of the denoising table: digits noised to step t by q(x_t | x_0) and brought back.</summary>
/// <param name="T">The 1-based step t (ᾱ_t is <c>AlphaBars[t − 1]</c>).</param>
/// <param name="Method">"noisy" (x_t itself), "one-step" (x̂_0 = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t, clipped), "reverse-chain" (the DDPM chain from t to 0).</param>
/// <param name="Images">How many digits.</param>
/// <param name="Steps">Model calls per digit (0, 1, or the chain's respaced steps).</param>
/// <param name="Psnr">Mean PSNR (dB) against x_0 on [0, 1].</param>
/// <param name="Ssim">Mean SSIM against x_0.</param>
/// <param name="SecondsPerImage">Wall time divided by the number of digits.</param>
public sealed record DenoisingRow(int T, string Method, int Images, int Steps, double Psnr, double Ssim, double SecondsPerImage);

/// <summary>
/// The measurements of notebook 05 and <c>evaluate.sh inverse</c>: every method of the course on one inverse problem over the
/// same digits and the same y (<see cref="Run"/>), the TV weights chosen on separate validation digits (<see cref="SelectLambdas"/>),
/// and the denoising table (<see cref="Denoise"/>). Images are on [−1, 1]; metrics on (x + 1)/2 clamped to [0, 1].
/// </summary>
/// <remarks>
/// Seeds: y = A x_0 + σ_y n with n from a generator seeded <c>seed</c> (the same y for every method); each sampler draws from its
/// own generator seeded <c>seed + 1 + its index in <see cref="Methods"/></c>, so a row does not depend on which other rows ran.
/// The samplers run batched over the digits (each digit's chain is separate; DPS takes each digit's own gradient).
/// </remarks>
public static class InverseEvaluation
{
    /// <summary>The methods of <see cref="Run"/>, in table order: the measurement's back-projection Aᵀy, three posterior samplers, three TV baselines.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["measurement", "sdedit", "score-ald", "dps", "adam-tv", "hqs-tv", "admm-tv"];

    /// <summary>The table name of a TV solver ("ADMM-TV" → "admm-tv").</summary>
    public static string MethodName(ITvSolver solver) => (solver ?? throw new ArgumentNullException(nameof(solver))).Name.ToLowerInvariant();

    /// <summary>
    /// Chooses λ for every TV solver of <paramref name="settings"/> on <paramref name="validation"/> (never the test digits) by
    /// <see cref="TvLambdaSelection.Select"/> with the task's A and σ_y; the measurement noise is seeded <paramref name="seed"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, LambdaSelectionResult> SelectLambdas(InverseTask task, Tensor validation, InverseSettings settings, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(settings);
        var chosen = new Dictionary<string, LambdaSelectionResult>(StringComparer.Ordinal);
        foreach (var solver in settings.TvSolvers)
        {
            chosen[MethodName(solver)] = TvLambdaSelection.Select(solver, task.Operator, validation, settings.SigmaY, seed, settings.LambdaGrid);
        }
        return chosen;
    }

    /// <summary>
    /// Measures <paramref name="x0"/> [N, 1, H, W] by the task's A with σ_y and reconstructs it by each of <paramref name="methods"/>
    /// (null: all of <see cref="Methods"/>); TV rows use <paramref name="lambdas"/> (from <see cref="SelectLambdas"/>).
    /// <paramref name="onRestored"/> receives each method's reconstructions (clamped to [−1, 1]; valid during the call only).
    /// </summary>
    public static IReadOnlyList<InverseRow> Run(EpsilonModel model, NoiseSchedule schedule, InverseTask task, Tensor x0, FeatureNetwork network,
        InverseSettings settings, IReadOnlyDictionary<string, double> lambdas, ulong seed = 0, IEnumerable<string>? methods = null,
        Action<string, Tensor>? onRestored = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(lambdas);
        if (x0.dim() != 4 || x0.shape[0] == 0)
        {
            throw new ArgumentException($"expected digits [N > 0, C, H, W], got {Shapes.Format(x0)}", nameof(x0));
        }
        var wanted = (methods ?? Methods).ToList();
        foreach (string m in wanted.Where(m => !Methods.Contains(m)))
        {
            throw new ArgumentException($"unknown method '{m}'; known: {string.Join(", ", Methods)}", nameof(methods));
        }
        using var scope = NewDisposeScope();
        using var measurementGenerator = new Generator(seed);
        var a = task.Operator;
        var y = a.Measure(x0, settings.SigmaY, measurementGenerator);
        int n = (int)x0.shape[0];
        var truth = (x0 + 1) / 2;
        var rows = new List<InverseRow>();
        foreach (string method in Methods.Where(wanted.Contains))
        {
            using var inner = NewDisposeScope();
            using var generator = new Generator(seed + 1 + (ulong)Methods.ToList().IndexOf(method));
            var noise = NoiseSources.From(generator);
            double? lambda = null;
            string described;
            var clock = Stopwatch.StartNew();
            Tensor restored;
            switch (method)
            {
                case "measurement":
                    restored = a.Adjoint(y);
                    described = "A^T y";
                    break;
                case "sdedit":
                    var sdedit = new SdEdit(schedule, settings.SdEdit);
                    restored = Batched(y, settings.BatchSize, part => sdedit.Sample(model, a, part.Y, noise));
                    described = $"t0 = {settings.SdEdit.T0} T, K = {settings.SdEdit.Repeats}, {sdedit.Timesteps.Length} steps per pass, {settings.SdEdit.Variance}, re-noise known pixels {settings.SdEdit.RenoiseKnownPixels}";
                    break;
                case "score-ald":
                    var ald = new ScoreAld(schedule, settings.ScoreAld with { SigmaY = settings.SigmaY });
                    restored = Batched(y, settings.BatchSize, part => ald.Sample(model, a, part.Y, noise));
                    described = $"{ald.LevelTimesteps.Length} levels x {settings.ScoreAld.StepsPerLevel} steps, eps = {settings.ScoreAld.StepSize:G3}, gamma = {settings.ScoreAld.GammaScale} sigma_i";
                    break;
                case "dps":
                    var options = settings.DpsFor(task, schedule.T);
                    var dps = new Dps(schedule, options);
                    restored = Batched(y, settings.BatchSize, part => dps.Sample(model, a, part.Y, noise));
                    described = $"zeta = {options.Scale:G4}, {dps.Timesteps.Length} steps, {options.Variance}, clip x0 {options.ClipDenoised}";
                    break;
                default:
                    var solver = settings.TvSolvers.Single(s => MethodName(s) == method);
                    if (!lambdas.TryGetValue(method, out double l))
                    {
                        throw new ArgumentException($"no λ for {method}: choose it on validation digits with SelectLambdas", nameof(lambdas));
                    }
                    lambda = l;
                    restored = solver.Solve(new TvProblem(a, y, l)).X;
                    described = $"{solver.Name}, lambda = {l:G3} (chosen on validation digits)";
                    break;
            }
            clock.Stop();
            var clamped = restored.detach().clamp(-1, 1);
            onRestored?.Invoke(method, clamped);
            var unit = (clamped + 1) / 2;
            var row = new InverseRow(task.Name, method, n, Psnr.Mean(unit, truth), Ssim.Mean(unit, truth), Metrics.FeatureDistance.Mean(network, x0, clamped),
                clock.Elapsed.TotalSeconds / n, lambda, described);
            log?.Invoke($"{task.Name} {method}: PSNR {row.Psnr:F2}, SSIM {row.Ssim:F3}, feature distance {row.FeatureDistance:F2}, {row.SecondsPerImage:F3} s/image");
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// The denoising table: for each 1-based t of <paramref name="steps"/>, x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) e (e from a generator seeded
    /// <paramref name="seed"/>), then the one-step x̂_0 and the DDPM reverse chain from t to 0 with at most <paramref name="maxChainSteps"/>
    /// respaced steps (σ_t² = β̃_t, as SDEdit). <paramref name="onDenoised"/> receives (t, method, images) during the call.
    /// </summary>
    public static IReadOnlyList<DenoisingRow> Denoise(EpsilonModel model, NoiseSchedule schedule, Tensor x0, IReadOnlyList<int> steps, int maxChainSteps = 1000,
        ulong seed = 0, int batchSize = 100, Action<int, string, Tensor>? onDenoised = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChainSteps, 1);
        foreach (int t in steps)
        {
            if (t < 1 || t > schedule.T)
            {
                throw new ArgumentOutOfRangeException(nameof(steps), t, $"t must be in 1 … T = {schedule.T}");
            }
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int n = (int)x0.shape[0];
        var truth = (x0 + 1) / 2;
        var rows = new List<DenoisingRow>();
        using var generator = new Generator(seed);
        var noise = NoiseSources.From(generator);
        var process = new ForwardProcess(schedule);
        DenoisingRow Score(int t, string method, int calls, Tensor x, double seconds)
        {
            using var inner = NewDisposeScope();
            var clamped = x.clamp(-1, 1);
            onDenoised?.Invoke(t, method, clamped);
            var unit = (clamped + 1) / 2;
            return new DenoisingRow(t, method, n, calls, Psnr.Mean(unit, truth), Ssim.Mean(unit, truth), seconds / n);
        }
        foreach (int t in steps)
        {
            using var inner = NewDisposeScope();
            int index = t - 1;
            var e = NoiseSources.Draw(noise, x0);
            var xt = process.QSample(x0, index, e);
            rows.Add(Score(t, "noisy", 0, xt, 0));

            var clock = Stopwatch.StartNew();
            var oneStep = Batched(xt, batchSize, part => schedule.PredictOriginal(part.Y, Sampler.Predict(model, part.Y, index), index, clip: true));
            clock.Stop();
            rows.Add(Score(t, "one-step", 1, oneStep, clock.Elapsed.TotalSeconds));

            var chainSampler = new DdpmSampler(schedule, VarianceType.FixedSmall, clipSample: true);
            chainSampler.SetTimesteps(InverseSampling.Timesteps(index, Math.Min(maxChainSteps, t)));
            clock.Restart();
            var chain = Batched(xt, batchSize, part => chainSampler.Sample(model, part.Y, noise));
            clock.Stop();
            rows.Add(Score(t, "reverse-chain", chainSampler.StepCount, chain, clock.Elapsed.TotalSeconds));
        }
        return rows;
    }

    private readonly record struct Part(long From, long Count, Tensor Y);

    private static Tensor Batched(Tensor y, int batchSize, Func<Part, Tensor> run)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var parts = new List<Tensor>();
        for (long from = 0; from < y.shape[0]; from += batchSize)
        {
            long count = Math.Min(batchSize, y.shape[0] - from);
            parts.Add(run(new Part(from, count, y.narrow(0, from, count))));
        }
        return parts.Count == 1 ? parts[0] : cat(parts, 0);
    }
}
