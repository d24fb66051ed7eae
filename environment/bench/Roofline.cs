using System.Diagnostics;
using System.Globalization;
using Diffusion.Engine;
using Diffusion.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Bench;

/// <summary>
/// The roofline of the UNet benchmark: the floating-point operations of one forward pass and one training step of the
/// course's UNet, counted per layer, and this machine's peak through LibTorch (large GEMMs and a large 3×3 convolution, in
/// float32 and bfloat16). environment/bench.sh divides the counts by the measured step times.
/// </summary>
/// <remarks>
/// Counted: every convolution (2 · B · C_out · C_in/groups · k_h · k_w · H_out · W_out), every linear layer
/// (2 · B · in · out) and every attention (4 · B · L² · C for qᵀk and A v), found by forward hooks during one float32 pass;
/// GroupNorm, SiLU, dropout, additions and concatenations are left out (memory-bound, under 1 % of the operations). A
/// training step is the forward pass plus its backward: the weight gradient costs one forward of each layer and the input
/// gradient another, except for the first convolution, whose input (the noisy images) needs no gradient; attention's
/// backward costs twice its forward.
/// Usage: Diffusion.Bench roofline [--threads N] [--batch B] [--config mnist-small] [--no-peaks]
/// </remarks>
internal static class Roofline
{
    public static int Run(string[] args)
    {
        int threads = 1, batch = 128;
        string config = "mnist-small";
        bool peaks = true;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--config": config = args[++i]; break;
                case "--no-peaks": peaks = false; break;
                default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
            }
        }
        TorchEngine.Initialize(threads);
        manual_seed(0);
        using var model = new UNet(UNetConfig.Named(config));
        var layers = CountLayers(model, batch);
        double forward = layers.Sum(l => l.Flops);
        double train = forward + layers.Sum(l => l.Kind == "attention" ? 2 * l.Flops : (l.First ? 1 : 2) * l.Flops);
        Console.WriteLine($"FLOPs of the UNet {config}, batch {batch}, by kind of layer (forward pass):");
        foreach (var group in layers.GroupBy(l => l.Kind).OrderByDescending(g => g.Sum(l => l.Flops)))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {group.Key,-12} {group.Count(),3} layers {group.Sum(l => l.Flops) / 1e9,9:F2} GFLOP ({100 * group.Sum(l => l.Flops) / forward:F1} %)"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  forward pass {forward / 1e9:F2} GFLOP; training step (forward + backward) {train / 1e9:F2} GFLOP"));
        var result = string.Create(CultureInfo.InvariantCulture, $"RESULT forward_gflop={forward / 1e9:F3} train_gflop={train / 1e9:F3}");
        if (peaks)
        {
            foreach (var (name, gflops) in Peaks())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak {name,-40} {gflops,8:F1} GFLOP/s ({threads} threads)"));
                result += string.Create(CultureInfo.InvariantCulture, $" {name.Split(' ')[0]}={gflops:F1}");
            }
        }
        Console.WriteLine(result);
        return 0;
    }

    private sealed record Layer(string Kind, double Flops, bool First);

    /// <summary>The counted layers of one float32 forward pass of <paramref name="model"/> at batch <paramref name="batch"/>.</summary>
    private static List<Layer> CountLayers(UNet model, int batch)
    {
        var layers = new List<Layer>();
        var removers = new List<Action>();
        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    var convHook = conv.register_forward_hook((m, input, output) =>
                    {
                        long k = conv.weight.shape[2] * conv.weight.shape[3];
                        double flops = 2.0 * output.shape[0] * conv.out_channels * (conv.in_channels / conv.groups) * k * output.shape[2] * output.shape[3];
                        layers.Add(new Layer(k == 1 ? "conv 1x1" : conv.stride[0] > 1 ? "conv stride 2" : "conv 3x3", flops, layers.Count == 0));
                        return output;
                    });
                    removers.Add(() => convHook.remove());
                    break;
                case Linear linear:
                    var linearHook = linear.register_forward_hook((m, input, output) =>
                    {
                        layers.Add(new Layer("linear", 2.0 * input.numel() / linear.in_features * linear.in_features * linear.out_features, false));
                        return output;
                    });
                    removers.Add(() => linearHook.remove());
                    break;
                case SelfAttention2d attention:
                    var attentionHook = attention.register_forward_hook((m, input, output) =>
                    {
                        long length = input.shape[2] * input.shape[3];
                        layers.Add(new Layer("attention", 4.0 * input.shape[0] * length * length * input.shape[1], false));
                        return output;
                    });
                    removers.Add(() => attentionHook.remove());
                    break;
            }
        }
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            model.eval();
            int size = model.Config.ImageSize;
            model.call(zeros(batch, model.Config.ImageChannels, size, size), zeros([batch], ScalarType.Int64));
        }
        foreach (var remove in removers)
        {
            remove();
        }
        return layers;
    }

    /// <summary>This machine's best GFLOP/s through LibTorch: 2048² GEMMs and a 3×3 convolution 64 → 64 on [128, 64, 28, 28].</summary>
    private static IEnumerable<(string Name, double GFlops)> Peaks()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        const long n = 2048;
        double gemm = 2.0 * n * n * n;
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            var a = randn(n, n).to(dtype);
            var b = randn(n, n).to(dtype);
            yield return ($"{Tag(dtype)}_gemm (2048x2048 matmul, {dtype})", gemm / Fastest(() => a.matmul(b)) / 1e9);
        }
        var x = randn(128, 64, 28, 28);
        var w = randn(64, 64, 3, 3) * 0.05;
        double conv = 2.0 * 128 * 64 * 64 * 9 * 28 * 28;
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            var xc = ChannelsLast.Of(x.to(dtype));
            var wc = ChannelsLast.Of(w.to(dtype));
            yield return ($"{Tag(dtype)}_conv (3x3 64->64 [128,64,28,28] NHWC, {dtype})", conv / Fastest(() => nn.functional.conv2d(xc, wc, null, new long[] { 1, 1 }, new long[] { 1, 1 })) / 1e9);
        }
    }

    private static string Tag(ScalarType dtype) => dtype == ScalarType.Float32 ? "peak_fp32" : "peak_bf16";

    /// <summary>The fastest of 12 runs (after 3 warm-up runs), in seconds.</summary>
    private static double Fastest(Func<Tensor> work)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 15; i++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            work();
            if (i >= 3)
            {
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
        }
        return best;
    }
}
