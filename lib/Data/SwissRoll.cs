using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Data;

/// <summary>
/// The 2-D Swiss roll: t ~ U(1.5π, 4.5π), x = (t cos t, t sin t) + noise · N(0, I), divided by <c>scale</c>
/// (scikit-learn's <c>make_swiss_roll</c> restricted to its first and third coordinates).
/// </summary>
public static class SwissRoll
{
    /// <summary>
    /// <paramref name="count"/> points as a float32 tensor [count, 2] on <paramref name="device"/> (default: the CPU); the same
    /// seed gives the same points on every machine (System.Random's seeded generator and Box–Muller normals).
    /// </summary>
    public static Tensor Sample(int count, double noise = 0.5, int seed = 0, double scale = 10, Device? device = null)
    {
        return torch.tensor(SampleArray(count, noise, seed, scale), [count, 2], device: device);
    }

    /// <summary>The same points as <see cref="Sample"/>, as interleaved (x, y) floats.</summary>
    public static float[] SampleArray(int count, double noise = 0.5, int seed = 0, double scale = 10)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "ask for at least one point");
        }
        if (noise < 0 || !(scale > 0))
        {
            throw new ArgumentOutOfRangeException(noise < 0 ? nameof(noise) : nameof(scale), "noise must be ≥ 0 and scale > 0");
        }
        var random = new Random(seed);
        var points = new float[2 * count];
        for (int i = 0; i < count; i++)
        {
            double t = 1.5 * Math.PI * (1 + 2 * random.NextDouble());
            double x = t * Math.Cos(t) + noise * Gaussian(random);
            double y = t * Math.Sin(t) + noise * Gaussian(random);
            points[2 * i] = (float)(x / scale);
            points[2 * i + 1] = (float)(y / scale);
        }
        return points;
    }

    private static double Gaussian(Random random)
    {
        double u1 = 1 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
