using System.Diagnostics;
using System.Globalization;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Bench;

/// <summary>
/// The C# side of the sampling benchmark (bench_sampling.py is the PyTorch side): the library's UNet
/// (<see cref="UNetConfig.MnistSmall"/>, 1,623,169 parameters, default initialisation: the time does not depend on the
/// weights) in eval mode, a batch of 64 samples from x_T ~ N(0, I), ancestral DDPM over the 1000 timesteps
/// (<see cref="DdpmSampler"/>) and DDIM η = 0 over 50 (<see cref="DdimSampler"/>).
/// </summary>
/// <remarks>
/// With <c>--ddpm-steps K</c> (K &lt; 1000) only the first K DDPM steps run (each is the body of <see cref="Sampler.Sample(EpsilonModel, Tensor, Generator?, Action{SamplingStep}?, bool, CancellationToken)"/>:
/// ε̂ = model(x, t), x = Step(ε̂, t, x)) and the time is scaled by 1000/K; with K = 1000 the library's whole loop runs.
/// Usage: Diffusion.Bench sampling [--threads N] [--batch B] [--ddpm-steps K] [--ddim-steps S]
/// </remarks>
internal static class SamplingBench
{
    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        int threads = 1, batch = 64, ddpmSteps = 1000, ddimSteps = 50;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--ddpm-steps": ddpmSteps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--ddim-steps": ddimSteps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
            }
        }

        TorchEngine.Initialize(threads);
        manual_seed(0);
        using var model = new Models.UNet(UNetConfig.MnistSmall);
        model.eval();
        long parameterCount = model.parameters().Sum(p => p.numel());
        var schedule = NoiseSchedule.Linear(1000);
        Console.WriteLine($"c# {TorchEngine.Describe()}: UNet parameters {parameterCount}, batch {batch}");
        using var generator = new Generator(1);
        long[] shape = [batch, 1, 28, 28];

        using (var noGrad = no_grad())
        using (var scope = NewDisposeScope())
        {
            var x = randn(shape, generator: generator);
            model.forward(x, NoiseSchedule.Steps(500, batch));   // warm-up
        }

        var ddpm = new DdpmSampler(schedule);
        int[] timesteps = ddpm.Timesteps;
        ddpmSteps = Math.Clamp(ddpmSteps, 1, timesteps.Length);
        var clock = Stopwatch.StartNew();
        if (ddpmSteps == timesteps.Length)
        {
            using var sample = ddpm.Sample(model, shape, generator);
        }
        else
        {
            using var noGrad = no_grad();
            var x = randn(shape, generator: generator);
            for (int i = 0; i < ddpmSteps; i++)
            {
                using var scope = NewDisposeScope();
                int t = timesteps[i];
                var eps = model.forward(x, NoiseSchedule.Steps(t, batch));
                var next = ddpm.Step(eps, t, x, generator).PrevSample.MoveToOuterDisposeScope();
                x.Dispose();
                x = next;
            }
            x.Dispose();
        }
        double ddpmSeconds = clock.Elapsed.TotalSeconds * timesteps.Length / ddpmSteps;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"c# ddpm: {ddpmSteps} of {timesteps.Length} steps timed, {ddpmSeconds:F2} s for {timesteps.Length} steps{(ddpmSteps == timesteps.Length ? "" : " (extrapolated)")}"));

        var ddim = new DdimSampler(schedule, eta: 0.0, steps: ddimSteps);
        clock.Restart();
        using (var sample = ddim.Sample(model, shape, generator))
        {
            double ddimSeconds = clock.Elapsed.TotalSeconds;
            bool finite = double.IsFinite(sample.abs().sum().item<float>());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"c# ddim: {ddimSteps} steps, {ddimSeconds:F2} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT csharp ddpm_s={ddpmSeconds:F3} ddim_s={ddimSeconds:F3} params={parameterCount} finite={(finite ? 1 : 0)} peak_rss_mb={ProcessMemory.PeakRssMb():F0}"));
        }
        return 0;
    }
}
