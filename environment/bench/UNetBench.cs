using System.Globalization;
using Diffusion.Engine;
using Diffusion.Models;
using Diffusion.Recipes;
using Diffusion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Bench;

/// <summary>
/// The C# side of the UNet benchmark (bench_torch.py is the PyTorch side): the course's UNet (<see cref="UNetConfig"/>, by
/// default mnist-small, 1,623,169 parameters, dropout 0.1) on 28×28 images, Adam(lr 2e-4), MSE on the noise of DDPM's
/// forward process; task <c>train</c> is one training step (forward and loss in the chosen precision, backward, Adam),
/// task <c>forward</c> one forward pass without gradients. Served over the line protocol of <see cref="Worker"/>.
/// </summary>
/// <remarks>
/// Usage: Diffusion.Bench unet [--threads N] [--batch B] [--config mnist-small] [--precision default|fp32|bf16] [--params-only]
/// <c>default</c> is the trainer's default precision (<see cref="TrainerOptions.Precision"/>): the course's default configuration.
/// </remarks>
internal static class UNetBench
{
    public static int Run(string[] args)
    {
        int threads = 1, batch = 128;
        string config = "mnist-small", precisionName = "default";
        bool paramsOnly = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--config": config = args[++i]; break;
                case "--precision": precisionName = args[++i]; break;
                case "--params-only": paramsOnly = true; break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
            }
        }
        var precision = precisionName == "default" ? new TrainerOptions().Precision : Precisions.Parse(precisionName);

        TorchEngine.Initialize(threads);
        manual_seed(0);
        using var model = new UNet(UNetConfig.Named(config));
        long parameters = model.ParameterCount;
        if (paramsOnly)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT params={parameters}"));
            return 0;
        }
        using var optimizer = optim.Adam(model.parameters(), lr: 2e-4);
        var schedule = TrainingConfigs.LinearDdpm.NoiseSchedule();
        int size = model.Config.ImageSize, channels = model.Config.ImageChannels;
        using var x0 = (rand([batch, channels, size, size]) * 2 - 1).DetachFromDisposeScope();
        using var alphaBars = tensor(schedule.AlphaBars.Select(v => (float)v).ToArray());

        void Train()
        {
            using var scope = NewDisposeScope();
            model.train();
            var t = randint(0, 1000, [batch]);
            var eps = randn_like(x0);
            var ab = alphaBars.index_select(0, t).reshape(batch, 1, 1, 1);
            var xt = ab.sqrt() * x0 + (1.0 - ab).sqrt() * eps;
            Tensor loss;
            using (Autocast.Enter(precision))
            {
                loss = nn.functional.mse_loss(model.call(xt, t), eps);
            }
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        void Forward()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var autocast = Autocast.Enter(precision);
            model.eval();
            model.call(x0, randint(0, 1000, [batch])).to(ScalarType.Float32).sum().item<float>();   // bf16 under autocast
        }

        return Worker.Serve(new Dictionary<string, Action> { ["train"] = Train, ["forward"] = Forward },
            $"C# {TorchEngine.Describe()}, UNet {config} ({parameters:N0} parameters), batch {batch}, {precision.Name()}",
            () => new Dictionary<string, string> { ["params"] = parameters.ToString(CultureInfo.InvariantCulture), ["precision"] = precision.Name() });
    }
}
