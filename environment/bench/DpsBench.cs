using System.Diagnostics;
using System.Globalization;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Inverse;
using Diffusion.Models;
using Diffusion.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Bench;

/// <summary>
/// The C# side of the DPS benchmark (bench_dps.py is the PyTorch side): <see cref="Dps"/> on the mnist-small UNet
/// (<see cref="UNetConfig.MnistSmall"/>, default initialisation: the time does not depend on the weights) for box inpainting
/// (a centred 14×14 box, σ_y = 0.05, ζ = 0.5), K steps respaced over the 1000 (each step one forward and one backward pass
/// through the UNet, per image), timed and scaled to 1000 steps, reported per image.
/// Usage: Diffusion.Bench dps [--threads N] [--batch B] [--steps K]
/// </summary>
internal static class DpsBench
{
    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        int threads = 1, batch = 1, steps = 50;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--steps": steps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
            }
        }

        TorchEngine.Initialize(threads);
        manual_seed(0);
        using var model = new Models.UNet(UNetConfig.MnistSmall);
        model.eval();
        long parameterCount = model.parameters().Sum(p => p.numel());
        var schedule = TrainingConfigs.LinearDdpm.NoiseSchedule();
        Console.WriteLine($"c# {TorchEngine.Describe()}: UNet parameters {parameterCount}, batch {batch}, DPS {steps} of 1000 steps");
        using var generator = new Generator(1);
        var mask = PixelMask.Box(28, 28, 7, 7, 14, 14);
        using var scope = NewDisposeScope();
        var x0 = rand([batch, 1, 28, 28], generator: generator) * 2 - 1;
        var y = mask.Measure(x0, 0.05, generator);
        var dps = new Dps(schedule, new DpsOptions { Scale = 0.5, Steps = steps });
        EpsilonModel eps = EpsilonModels.From(model);
        // Warm-up: one guidance gradient.
        dps.MeasurementGradient(eps, mask, y, randn([batch, 1, 28, 28], generator: generator), 500);
        var clock = Stopwatch.StartNew();
        var sample = dps.Sample(eps, mask, y, generator);
        double seconds = clock.Elapsed.TotalSeconds;
        bool finite = double.IsFinite(sample.abs().sum().item<float>());
        double perImage1000 = seconds / batch * 1000 / steps;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"c# dps: {steps} steps, batch {batch}: {seconds:F2} s, {1000 * seconds / steps / batch:F1} ms per step per image, {perImage1000:F1} s per image for 1000 steps"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT csharp dps_s={perImage1000:F3} params={parameterCount} finite={(finite ? 1 : 0)} peak_rss_mb={ProcessMemory.PeakRssMb():F0}"));
        return 0;
    }
}
