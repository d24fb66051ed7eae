using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// Where a sampler's random draws come from: returns z ~ N(0, I) of <paramref name="shape"/>, <paramref name="dtype"/> and
/// <paramref name="device"/> (a new tensor; the sampler frees it). <see cref="NoiseSources.From"/> draws from a
/// <see cref="torch.Generator"/>; a source of your own can replay fixed noise, e.g. to run two samplers on the same draws or to
/// compare a loop with a reference implementation draw for draw.
/// </summary>
public delegate Tensor NoiseSource(long[] shape, ScalarType dtype, Device device);

/// <summary>The usual <see cref="NoiseSource"/>s.</summary>
public static class NoiseSources
{
    /// <summary>Standard normal draws from <paramref name="generator"/> (null: the global generator, seeded by <c>torch.manual_seed</c>).</summary>
    public static NoiseSource From(torch.Generator? generator) =>
        (shape, dtype, device) => torch.randn(shape, dtype: dtype, device: device, generator: generator);
}
