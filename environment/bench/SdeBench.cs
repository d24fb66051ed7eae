using System.Diagnostics;
using System.Globalization;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.IO;
using Diffusion.Models;
using Diffusion.Sde;
using Diffusion.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Bench;

/// <summary>
/// The C# side of the score-SDE benchmark (bench_sde.py is the PyTorch side): the NCSN++ of <c>ncsnpp-mnist</c>
/// (<see cref="TrainingConfigs.NcsnPpMnist"/>, 175,527 parameters) on the VE SDE σ(t) = σ_min (σ_max/σ_min)^t, σ_min 0.01,
/// σ_max 15.8, N 1000, with the score s_θ(x, t) = NCSN++(x, σ(t)), timed in three loops:
/// <list type="bullet">
/// <item>PC: <see cref="PcSampler"/> with the reverse-diffusion predictor x̄ = x + (σ_i² − σ_{i−1}²) s, x = x̄ + √(σ_i² − σ_{i−1}²) z
/// and one Langevin corrector move x̄ = x + ε s, x = x̄ + √(2ε) z, ε = 2 (r ‖z‖ / ‖s‖)², r = 0.16 (the library's and
/// score_sde_pytorch's default below 256²), over the N times from 1 to ε = 10⁻³ (2 evaluations per step); with K &lt; N only the
/// first K steps run and the time is scaled by N/K.</item>
/// <item>ODE: <see cref="ProbabilityFlowSampler"/>, dx/dt = −½ g(t)² s(x, t) by <see cref="DormandPrince"/> (rtol = atol = R)
/// from t = 1 to 10⁻³, then one denoising step (as the sampling command): seconds, evaluations (NFE) and seconds per NFE.</item>
/// <item>Train: one step of the σ²-weighted continuous score-matching loss ½ Σ_d (σ s_θ(x(0) + σ z, t) + z)², batch mean,
/// t ~ U(10⁻⁵, 1) (<see cref="ScoreMatchingLoss"/>, as <see cref="TrainingConfigs.NcsnPpVe"/>), then Adam (lr 2·10⁻⁴) after
/// clipping the gradient norm to 1, on a fixed batch of 64 uniform images; the median of S steps after 2 warm-up steps.</item>
/// </list>
/// </summary>
/// <remarks>
/// The weights: NcsnPpMnist's architecture initialised with init scale 1 instead of 0 (with 0 the last convolution of every
/// block and of the output starts at 10⁻¹⁰, the score is ≈ 0 and the samplers would run on a degenerate field), or the file
/// given by <c>--weights</c>. <c>--save-weights FILE</c> writes them (and a forward check: <c>check.x</c>, <c>check.sigma</c>
/// and the eval-mode output <c>check.y</c>) for bench_sde.py, so both sides sample with the same network from the same x_T
/// (the global generator and generators 1 and 2 give the same draws in LibTorch and PyTorch) and the ODE's NFE can match.
/// The sampling loops run first (eval mode, no grad), the training steps last (train mode: dropout 0.1 on).
/// </remarks>
internal static class SdeBench
{
    /// <summary>The Langevin corrector's signal-to-noise ratio r (LangevinCorrector's default; the sampling command's below 256²).</summary>
    public const double Snr = 0.16;

    /// <summary>The training batch of ncsnpp-mnist.</summary>
    public const int TrainBatch = 64;

    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var o = SdeBenchOptions.Parse(args);
        if (o is null)
        {
            return 2;
        }
        TorchEngine.Initialize(o.Threads);
        manual_seed(0);
        var config = TrainingConfigs.NcsnPpMnist with { InitScale = 1 };
        using var model = new NcsnPp(config);
        if (o.Weights is not null)
        {
            LoadWeights(model, o.Weights);
        }
        long parameterCount = model.ParameterCount;
        var sde = new VeSde(config.SigmaMin, config.SigmaMax, config.NumScales);
        ScoreModel score = (x, t) =>
        {
            using var autocast = Autocast.Enter(o.Precision);
            return model.call(x, sde.MarginalStd(t)).to(x.dtype);
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"c# {TorchEngine.Describe()}: NCSN++ parameters {parameterCount}, batch {o.Batch}, VE sigma {sde.SigmaMin}..{sde.SigmaMax}, N {sde.N}"));
        model.eval();
        if (o.SaveWeights is not null)
        {
            SaveWeights(model, o.SaveWeights);
        }

        if (o.Serve)
        {
            return Serve(model, sde, score, o);
        }
        double pcSeconds = TimePc(sde, score, o, out double pcAbsMean);
        double odeSeconds = TimeOde(sde, score, o, out int nfe, out double odeAbsMean);
        double trainSeconds = TimeTraining(model, sde, score, o);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT csharp train_s={trainSeconds:F4} pc_s={pcSeconds:F3} ode_s={odeSeconds:F3} ode_nfe={nfe} ode_s_per_nfe={odeSeconds / nfe:F4} " +
            $"pc_absmean={pcAbsMean:G5} ode_absmean={odeAbsMean:G5} params={parameterCount} finite={(double.IsFinite(pcAbsMean + odeAbsMean) ? 1 : 0)} peak_rss_mb={ProcessMemory.PeakRssMb():F0}"));
        return 0;
    }

    /// <summary>Serves <c>train</c> (one training step of batch 64) and <c>pc-step</c> (one corrector and one predictor move at batch B, t cycling over the N times).</summary>
    private static int Serve(NcsnPp model, VeSde sde, ScoreModel score, SdeBenchOptions o)
    {
        var train = TrainStep(model, sde, score);
        using var generator = new Generator(1);
        var noise = NoiseSources.From(generator);
        var predictor = new ReverseDiffusionPredictor(sde, score, noise);
        var corrector = new LangevinCorrector(sde, score, noise, Snr);
        var times = new PcSampler(sde, predictor, corrector).Times();
        var x = sde.PriorSampling([o.Batch, 1, 28, 28], generator).DetachFromDisposeScope();
        int i = 0;
        void PcStep()
        {
            model.eval();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var t = full([o.Batch], times[i++ % times.Length], dtype: x.dtype);
            var (corrected, _) = corrector.Update(x, t);
            var (next, _) = predictor.Update(corrected, t);
            x.Dispose();
            x = next.DetachFromDisposeScope();
        }
        void Train()
        {
            model.train();
            train();
        }
        int code = Worker.Serve(new Dictionary<string, Action> { ["train"] = Train, ["pc-step"] = PcStep },
            $"C# {TorchEngine.Describe()}, NCSN++ ncsnpp-mnist ({model.ParameterCount:N0} parameters), PC batch {o.Batch}, train batch {TrainBatch}, {o.Precision.Name()}",
            () => new Dictionary<string, string> { ["params"] = model.ParameterCount.ToString(CultureInfo.InvariantCulture), ["precision"] = o.Precision.Name() });
        x.Dispose();
        return code;
    }

    /// <summary>The PC sampler's seconds for N steps (extrapolated from K when K &lt; N), from x_T ~ N(0, σ_max² I) by generator 1; mean |x| of the result.</summary>
    private static double TimePc(VeSde sde, ScoreModel score, SdeBenchOptions o, out double absMean)
    {
        using var noGrad = no_grad();
        using var generator = new Generator(1);
        var noise = NoiseSources.From(generator);
        var predictor = new ReverseDiffusionPredictor(sde, score, noise);
        var corrector = new LangevinCorrector(sde, score, noise, Snr);
        var pc = new PcSampler(sde, predictor, corrector);
        int steps = Math.Clamp(o.PcSteps, 1, sde.N);
        using var xT = sde.PriorSampling([o.Batch, 1, 28, 28], generator);
        using (var scope = NewDisposeScope())
        {
            score(xT, full([o.Batch], 0.5f));   // warm-up
        }
        var clock = Stopwatch.StartNew();
        Tensor x;
        if (steps == sde.N)
        {
            x = pc.Sample(xT).Samples;
        }
        else
        {
            // The body of PcSampler.Sample: the corrector at t_i, then the predictor.
            var times = pc.Times();
            x = xT.clone();
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                var t = full([o.Batch], times[i], dtype: x.dtype);
                var (corrected, _) = corrector.Update(x, t);
                var (next, _) = predictor.Update(corrected, t);
                x.Dispose();
                x = next.MoveToOuterDisposeScope();
            }
        }
        double seconds = clock.Elapsed.TotalSeconds * sde.N / steps;
        absMean = x.abs().mean().item<float>();
        x.Dispose();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"c# pc: {steps} of {sde.N} steps timed (2 evaluations each), {seconds:F2} s for {sde.N} steps{(steps == sde.N ? "" : " (extrapolated)")}"));
        return seconds;
    }

    /// <summary>The probability-flow ODE's seconds and evaluations, from x_T ~ N(0, σ_max² I) by generator 2; mean |x| of the samples.</summary>
    private static double TimeOde(VeSde sde, ScoreModel score, SdeBenchOptions o, out int nfe, out double absMean)
    {
        using var noGrad = no_grad();
        using var generator = new Generator(2);
        using var xT = sde.PriorSampling([o.Batch, 1, 28, 28], generator);
        var ode = new ProbabilityFlowSampler(sde, score, 1e-3, o.OdeRtol, o.OdeRtol, denoise: true);
        var clock = Stopwatch.StartNew();
        var (result, solution) = ode.Sample(xT);
        double seconds = clock.Elapsed.TotalSeconds;
        nfe = result.Nfe;
        absMean = result.Samples.abs().mean().item<float>();
        result.Samples.Dispose();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"c# ode: rtol = atol = {o.OdeRtol}, {solution.Accepted} accepted and {solution.Rejected} rejected steps, {nfe} evaluations, {seconds:F2} s, {1000 * seconds / nfe:F1} ms per evaluation"));
        return seconds;
    }

    /// <summary>
    /// One training step (loss, backward, clip to 1, Adam) on a fixed batch of 64 uniform images of generator 3; the optimizer,
    /// the generator and the batch live as long as the process.
    /// </summary>
    private static Func<double> TrainStep(NcsnPp model, VeSde sde, ScoreModel score)
    {
        var loss = new ScoreMatchingLoss(sde, LossWeighting.SigmaSquared, LossReduction.HalfSum, eps: 1e-5);
        var opt = optim.Adam(model.parameters(), lr: 2e-4);
        var generator = new Generator(3);
        var x0 = rand([TrainBatch, 1, 28, 28], generator: generator).DetachFromDisposeScope();
        return () =>
        {
            using var scope = NewDisposeScope();
            var l = loss.Compute(score, x0, generator);
            opt.zero_grad();
            l.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            opt.step();
            return l.item<float>();
        };
    }

    /// <summary>The median seconds of S training steps (loss, backward, clip to 1, Adam) after the warm-up.</summary>
    private static double TimeTraining(NcsnPp model, VeSde sde, ScoreModel score, SdeBenchOptions o)
    {
        model.train();
        var step = TrainStep(model, sde, score);
        for (int i = 0; i < o.WarmupSteps; i++)
        {
            step();
        }
        var times = new List<double>();
        for (int i = 0; i < o.TrainSteps; i++)
        {
            var clock = Stopwatch.StartNew();
            double value = step();
            times.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"c# train step {i}: {1000 * times[^1]:F1} ms (loss {value:F2})"));
        }
        return times.Order().ElementAt(times.Count / 2);
    }

    /// <summary>Strictly loads the NCSN++ tensors of <paramref name="path"/> (a leading <c>module.</c> and the <c>check.</c> entries dropped).</summary>
    private static void LoadWeights(NcsnPp model, string path)
    {
        using var scope = NewDisposeScope();
        var state = NcsnPpCheckpoint.StripPrefix(Safetensors.Load(path))
            .Where(kv => !kv.Key.StartsWith("check.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        StateDicts.Load(model, state, path);
    }

    /// <summary>Writes the state dict and the forward check y = NCSN++(x, σ) for 4 images of generator 4 at σ = 0.01, 0.1, 1, 15.8 (eval mode).</summary>
    private static void SaveWeights(NcsnPp model, string path)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator(4);
        var x = rand([4, 1, 28, 28], generator: generator);
        var sigma = tensor(new float[] { 0.01f, 0.1f, 1f, 15.8f });
        var tensors = new Dictionary<string, Tensor>(model.state_dict())
        {
            ["check.x"] = x,
            ["check.sigma"] = sigma,
            ["check.y"] = model.call(x, sigma),
        };
        Safetensors.Save(path, tensors);
    }
}
