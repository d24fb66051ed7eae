using Diffusion.Bench;

// The C# side of the benchmarks; each subcommand is a worker of the line protocol in Worker.cs (interleave.py drives them).
//   Diffusion.Bench [unet] [...]   the UNet training step and forward pass (UNetBench.cs; environment/bench.sh)
//   Diffusion.Bench sampling [...] DDPM and DDIM sampling (SamplingBench.cs; environment/bench-sampling.sh)
//   Diffusion.Bench dps [...]      DPS (DpsBench.cs; environment/bench-dps.sh)
//   Diffusion.Bench sde [...]      NCSN++ train step, PC sampler, ODE (SdeBench.cs; environment/bench-sde.sh)
//   Diffusion.Bench roofline [...] FLOPs of a UNet step and the machine's peaks (Roofline.cs; environment/bench.sh)
return args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal)
    ? args[0] switch
    {
        "unet" => UNetBench.Run(args[1..]),
        "sampling" => SamplingBench.Run(args[1..]),
        "dps" => DpsBench.Run(args[1..]),
        "sde" => SdeBench.Run(args[1..]),
        _ => Unknown(args[0]),
    }
    : UNetBench.Run(args);

static int Unknown(string command)
{
    Console.Error.WriteLine($"unknown benchmark '{command}': unet, sampling, dps, sde or roofline");
    return 2;
}
