using Diffusion.Tensors;

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
        using var scope = new TensorScope();
        return scope.Keep(a * (1 - lambda) + b * lambda);
    }

    /// <summary>Spherical interpolation of each row of <paramref name="a"/> towards the same row of <paramref name="b"/> (see the remarks).</summary>
    public static Tensor Slerp(Tensor a, Tensor b, double lambda)
    {
        CheckPair(a, b);
        using var scope = new TensorScope();
        bool batched = a.Dim >= 2;
        var fa = batched ? a.Flatten(1).To(DType.Float64) : a.Reshape(1, -1).To(DType.Float64);
        var fb = batched ? b.Flatten(1).To(DType.Float64) : b.Reshape(1, -1).To(DType.Float64);
        double[] dots = (fa * fb).Sum(1).ToArray<double>();
        double[] na = fa.Norm(2, [1]).ToArray<double>();
        double[] nb = fb.Norm(2, [1]).ToArray<double>();
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
        var shape = new long[Math.Max(1, a.Dim)];
        Array.Fill(shape, 1L);
        shape[0] = batched ? rows : 1;
        var ta = Torch.FromSpan<double>(wa, batched ? shape : [1]).To(a.DType, a.Device);
        var tb = Torch.FromSpan<double>(wb, batched ? shape : [1]).To(a.DType, a.Device);
        return scope.Keep(a * ta + b * tb);
    }

    /// <summary>
    /// <paramref name="count"/> points from <paramref name="a"/> to <paramref name="b"/> (single samples of the same shape, e.g.
    /// [C, H, W]) at λ = 0, 1/(count − 1), …, 1, stacked along a new first dimension: [count, C, H, W].
    /// </summary>
    public static Tensor Path(Tensor a, Tensor b, int count, bool spherical = true)
    {
        CheckPair(a, b);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        using var scope = new TensorScope();
        var points = new List<Tensor>(count);
        for (int i = 0; i < count; i++)
        {
            double lambda = i / (count - 1.0);
            points.Add(spherical ? SlerpWhole(a, b, lambda) : Lerp(a, b, lambda));
        }
        return scope.Keep(Torch.Stack(points, 0));
    }

    private static Tensor SlerpWhole(Tensor a, Tensor b, double lambda)
    {
        using var scope = new TensorScope();
        var r = Slerp(a.Reshape(1, -1), b.Reshape(1, -1), lambda).Reshape(a.Shape);
        return scope.Keep(r);
    }

    private static void CheckPair(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.Shape.AsSpan().SequenceEqual(b.Shape))
        {
            throw new ArgumentException($"cannot interpolate between shapes {Tensor.FormatShape(a.Shape)} and {Tensor.FormatShape(b.Shape)}");
        }
    }
}
