using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// Interpolation between two noises x_T (to decode with a deterministic sampler such as DDIM with η = 0). Each row along
/// dimension 0 is one vector: a [B, C, H, W] pair interpolates B pairs of images.
/// </summary>
/// <remarks>
/// Linear: (1 − λ) a + λ b. Its midpoint between two independent N(0, I) vectors in d dimensions has norm ≈ √(d/2), not √d,
/// so it leaves the shell where Gaussian noise lives. Spherical (Shoemake 1985): with θ = arccos(⟨a, b⟩ / (‖a‖ ‖b‖)),
/// slerp(a, b; λ) = sin((1 − λ) θ) / sin θ · a + sin(λ θ) / sin θ · b; for ‖a‖ = ‖b‖ every point keeps that norm, and for
/// nearly parallel vectors (sin θ &lt; 1e-6) it falls back to the linear formula.
/// </remarks>
public static class Interpolation
{
    /// <summary>(1 − λ) a + λ b.</summary>
    public static Tensor Lerp(Tensor a, Tensor b, double lambda)
    {
        CheckPair(a, b);
        using var scope = torch.NewDisposeScope();
        return (a * (1 - lambda) + b * lambda).MoveToOuterDisposeScope();
    }

    /// <summary>Spherical interpolation of each row of <paramref name="a"/> towards the same row of <paramref name="b"/> (see the remarks).</summary>
    public static Tensor Slerp(Tensor a, Tensor b, double lambda)
    {
        CheckPair(a, b);
        using var scope = torch.NewDisposeScope();
        bool batched = a.dim() >= 2;
        var fa = batched ? a.flatten(1).to(ScalarType.Float64) : a.reshape(1, -1).to(ScalarType.Float64);
        var fb = batched ? b.flatten(1).to(ScalarType.Float64) : b.reshape(1, -1).to(ScalarType.Float64);
        double[] dots = (fa * fb).sum(1).cpu().data<double>().ToArray();
        double[] na = fa.norm(1, false, 2).cpu().data<double>().ToArray();
        double[] nb = fb.norm(1, false, 2).cpu().data<double>().ToArray();
        int rows = dots.Length;
        var wa = new double[rows];
        var wb = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double cos = Math.Clamp(dots[i] / (na[i] * nb[i]), -1, 1);
            double theta = Math.Acos(cos);
            double sin = Math.Sin(theta);
            if (sin < 1e-6 || double.IsNaN(sin))
            {
                wa[i] = 1 - lambda;
                wb[i] = lambda;
            }
            else
            {
                wa[i] = Math.Sin((1 - lambda) * theta) / sin;
                wb[i] = Math.Sin(lambda * theta) / sin;
            }
        }
        var shape = new long[Math.Max(1, a.dim())];
        Array.Fill(shape, 1L);
        shape[0] = batched ? rows : 1;
        var ta = torch.tensor(wa, batched ? shape : [1], dtype: a.dtype, device: a.device);
        var tb = torch.tensor(wb, batched ? shape : [1], dtype: a.dtype, device: a.device);
        return (a * ta + b * tb).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="count"/> points from <paramref name="a"/> to <paramref name="b"/> (single samples of the same shape, e.g.
    /// [C, H, W]) at λ = 0, 1/(count − 1), …, 1, stacked along a new first dimension: [count, C, H, W].
    /// </summary>
    public static Tensor Path(Tensor a, Tensor b, int count, bool spherical = true)
    {
        CheckPair(a, b);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        using var scope = torch.NewDisposeScope();
        var points = new List<Tensor>(count);
        for (int i = 0; i < count; i++)
        {
            double lambda = i / (count - 1.0);
            points.Add(spherical ? SlerpWhole(a, b, lambda) : Lerp(a, b, lambda));
        }
        return torch.stack(points, 0).MoveToOuterDisposeScope();
    }

    private static Tensor SlerpWhole(Tensor a, Tensor b, double lambda)
    {
        using var scope = torch.NewDisposeScope();
        return Slerp(a.reshape(1, -1), b.reshape(1, -1), lambda).reshape(a.shape).MoveToOuterDisposeScope();
    }

    private static void CheckPair(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.shape.AsSpan().SequenceEqual(b.shape))
        {
            throw new ArgumentException($"cannot interpolate between shapes {Shapes.Format(a)} and {Shapes.Format(b)}: a and b must have the same shape");
        }
    }
}
