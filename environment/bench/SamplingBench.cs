using System.Globalization;
using Diffusion.Ddpm;
using Diffusion.Engine;
using Diffusion.Models;
using Diffusion.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Bench;

/// <summary>
/// The C# side of the sampling benchmark (bench_sampling.py is the PyTorch side): the library's UNet
/// (<see cref="UNetConfig.MnistSmall"/>, 1,623,169 parameters, default initialisation: the time does not depend on the
/// weights) in eval mode on a batch of 64 samples, served over the line protocol of <see cref="Worker"/>:
/// task <c>ddim</c> is one whole DDIM sampling (η = 0, 50 steps, <see cref="DdimSampler"/>) from x_T ~ N(0, I), task
/// <c>ddpm-step</c> one step of ancestral DDPM (<see cref="DdpmSampler"/>: ε̂ = model(x, t), x = Step(ε̂, t, x)) with t
/// cycling over the 1000 timesteps: DDPM 1000 takes 1000 of them.
/// </summary>
/// <remarks>
/// Usage: Diffusion.Bench sampling [--threads N] [--batch B] [--ddim-steps S] [--precision fp32|bf16]
/// (the network's precision through <see cref="EpsilonModels.From(nn.Module{Tensor, Tensor, Tensor}, Precision)"/>; the sampler's
/// own arithmetic is float32).
/// </remarks>
internal static class SamplingBench
{
    /// <summary>Serves the tasks; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        int threads = 1, batch = 64, ddimSteps = 50;
        var precision = Precision.Float32;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--ddim-steps": ddimSteps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--precision": precision = Precisions.Parse(args[++i]); break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
            }
        }

        TorchEngine.Initialize(threads);
        manual_seed(0);
        using var network = new Models.UNet(UNetConfig.MnistSmall);
        network.eval();
        var model = EpsilonModels.From(network, precision);
        var schedule = TrainingConfigs.LinearDdpm.NoiseSchedule();
        using var generator = new Generator(1);
        long[] shape = [batch, 1, 28, 28];
        var ddpm = new DdpmSampler(schedule);
        var ddim = new DdimSampler(schedule, eta: 0.0, steps: ddimSteps);
        int[] timesteps = ddpm.Timesteps;
        var x = randn(shape, generator: generator).DetachFromDisposeScope();
        int step = 0;
        bool finite = true;

        void Ddim()
        {
            using var sample = ddim.Sample(model, shape, generator);
            finite &= double.IsFinite(sample.abs().sum().item<float>());
        }

        void DdpmStep()
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            int t = timesteps[step++ % timesteps.Length];
            var next = ddpm.Step(model(x, NoiseSchedule.Steps(t, batch)), t, x, generator).PrevSample.DetachFromDisposeScope();
            x.Dispose();
            x = next;
        }

        int code = Worker.Serve(new Dictionary<string, Action> { ["ddim"] = Ddim, ["ddpm-step"] = DdpmStep },
            $"C# {TorchEngine.Describe()}, UNet mnist-small ({network.ParameterCount:N0} parameters), batch {batch}, DDIM {ddimSteps} steps, {precision.Name()}",
            () => new Dictionary<string, string>
            {
                ["params"] = network.ParameterCount.ToString(CultureInfo.InvariantCulture),
                ["precision"] = precision.Name(),
                ["finite"] = finite && double.IsFinite(x.abs().sum().item<float>()) ? "1" : "0",
            });
        x.Dispose();
        return code;
    }
}
