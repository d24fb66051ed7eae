using Diffusion.Engine;
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

/// <summary>The usual <see cref="NoiseSource"/>s, and the one checked draw the samplers make.</summary>
public static class NoiseSources
{
    /// <summary>Standard normal draws from <paramref name="generator"/> (null: the global generator, seeded by <c>torch.manual_seed</c>).</summary>
    public static NoiseSource From(torch.Generator? generator) =>
        (shape, dtype, device) => torch.randn(shape, dtype: dtype, device: device, generator: generator);

    /// <summary>z from <paramref name="noise"/> of <paramref name="like"/>'s shape, dtype and device (checked).</summary>
    public static Tensor Draw(NoiseSource noise, Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Draw(noise, like.shape, like.dtype, like.device);
    }

    /// <summary>z from <paramref name="noise"/> of the given shape, dtype and device; throws when the source returns another shape.</summary>
    public static Tensor Draw(NoiseSource noise, long[] shape, ScalarType dtype, Device device)
    {
        ArgumentNullException.ThrowIfNull(noise);
        var z = noise(shape, dtype, device);
        if (!z.shape.AsSpan().SequenceEqual(shape))
        {
            string got = Shapes.Format(z);
            z.Dispose();
            throw new InvalidOperationException($"the noise source returned shape {got} but {Shapes.Format(shape)} was asked for");
        }
        return z;
    }
}
