using System.Runtime.InteropServices;
using Diffusion.Ddpm;
using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// What the posterior samplers of this folder share: checking y against A, calling the ε-model, the timestep lists and the
/// ancestral DDPM step from t to an earlier s (Ho et al. 2020, eq. 7, respaced as in Nichol and Dhariwal 2021).
/// </summary>
internal static class InverseSampling
{
    /// <summary>
    /// The image shape [N, C, H, W] the sampler produces: <paramref name="imageShape"/> when given, else the shape of Aᵀ y. Throws
    /// unless y has the shape A gives such images (the message names both shapes).
    /// </summary>
    public static long[] ImageShape(MeasurementOperator a, Tensor y, long[]? imageShape)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(y);
        if (imageShape is null)
        {
            if (y.dim() != 4)
            {
                throw new ArgumentException($"y must be a batch of measurements [N, C, H', W'], got {Shapes.Format(y)}", nameof(y));
            }
            try
            {
                using var noGrad = no_grad();
                using var back = a.Adjoint(y);
                imageShape = back.shape;
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"y has shape {Shapes.Format(y)}, which {a.Name} does not accept: {e.Message}", nameof(y), e);
            }
        }
        if (imageShape.Length != 4)
        {
            throw new ArgumentException($"images must be [N, C, H, W], got {Shapes.Format(imageShape)}", nameof(imageShape));
        }
        long[] expected = a.MeasurementShape(imageShape);
        if (!expected.AsSpan().SequenceEqual(y.shape))
        {
            throw new ArgumentException(
                $"y has shape {Shapes.Format(y)} but {a.Name} maps images {Shapes.Format(imageShape)} to measurements {Shapes.Format(expected)}", nameof(y));
        }
        return imageShape;
    }

    /// <summary>ε̂ = model(x, t) for a batch of one timestep, checked to have x's shape.</summary>
    public static Tensor Predict(EpsilonModel model, Tensor x, int t)
    {
        var tBatch = NoiseSchedule.Steps(t, x.shape[0], x.device);
        Tensor eps;
        try
        {
            eps = model(x, tBatch);
        }
        catch (ExternalException e)
        {
            string cause = e.Message.Split('\n', 2)[0];
            throw new ArgumentException($"the ε-model failed on x of shape {Shapes.Format(x)} (does x have the image shape the model was built for?): {cause}", e);
        }
        if (!eps.shape.AsSpan().SequenceEqual(x.shape))
        {
            throw new ArgumentException($"the ε-model returned shape {Shapes.Format(eps)} but x has shape {Shapes.Format(x)}; an ε-model must return x's shape");
        }
        return eps;
    }

    /// <summary><paramref name="count"/> timesteps from <paramref name="first"/> down to 0 (both ends, evenly spaced; every one when count = first + 1).</summary>
    public static int[] Timesteps(int first, int count) => TimestepSpacings.Compute(TimestepSpacing.Linspace, first + 1, count);

    /// <summary>ᾱ at 0-based index <paramref name="t"/>, with ᾱ_{−1} = 1.</summary>
    public static double AlphaBar(NoiseSchedule schedule, int t) => t < 0 ? 1.0 : schedule.AlphaBars[t];

    /// <summary>x̂_0 = (x_t − √(1 − ᾱ_t) ε̂) / √ᾱ_t, clipped to [−1, 1] when <paramref name="clip"/> (differentiable).</summary>
    public static Tensor PredictOriginal(NoiseSchedule schedule, Tensor x, Tensor eps, int t, bool clip)
    {
        double alphaBar = schedule.AlphaBars[t];
        var x0 = (x - eps * Math.Sqrt(1 - alphaBar)) * (1 / Math.Sqrt(alphaBar));
        return clip ? x0.clamp(-1, 1) : x0;
    }

    /// <summary>
    /// One ancestral step from t to s &lt; t (s = −1: to x_0) given x̂_0: with β' = 1 − ᾱ_t/ᾱ_s, α' = 1 − β',
    /// μ = β' √ᾱ_s / (1 − ᾱ_t) · x̂_0 + (1 − ᾱ_s) √α' / (1 − ᾱ_t) · x_t and x_s = μ + σ z, σ² = β' (fixed large) or
    /// β' (1 − ᾱ_s)/(1 − ᾱ_t) (fixed small); no noise when s = −1. The same step as <see cref="DdpmSampler"/>.
    /// </summary>
    public static Tensor AncestralStep(NoiseSchedule schedule, VarianceType variance, Tensor x, Tensor x0, int t, int s, NoiseSource noise)
    {
        double alphaBar = AlphaBar(schedule, t), alphaBarPrev = AlphaBar(schedule, s);
        double beta = s == t - 1 ? schedule.Betas[t] : 1 - alphaBar / alphaBarPrev;
        double c0 = beta * Math.Sqrt(alphaBarPrev) / (1 - alphaBar);
        double ct = (1 - alphaBarPrev) * Math.Sqrt(1 - beta) / (1 - alphaBar);
        var mean = x0 * c0 + x * ct;
        if (s < 0)
        {
            return mean;
        }
        double sigma2 = variance == VarianceType.FixedLarge ? beta : beta * (1 - alphaBarPrev) / (1 - alphaBar);
        var z = DrawNoise(noise, x);
        return mean + z * Math.Sqrt(sigma2);
    }

    /// <summary>z from <paramref name="noise"/> of x's shape, dtype and device (checked).</summary>
    public static Tensor DrawNoise(NoiseSource noise, Tensor x) => DrawNoise(noise, x.shape, x.dtype, x.device);

    /// <summary>z from <paramref name="noise"/> of the given shape (checked).</summary>
    public static Tensor DrawNoise(NoiseSource noise, long[] shape, ScalarType dtype, Device device)
    {
        var z = noise(shape, dtype, device);
        if (!z.shape.AsSpan().SequenceEqual(shape))
        {
            string got = Shapes.Format(z);
            z.Dispose();
            throw new InvalidOperationException($"the noise source returned shape {got} but {Shapes.Format(shape)} was asked for");
        }
        return z;
    }

    /// <summary>Throws unless <paramref name="value"/> is a finite non-negative number.</summary>
    public static void CheckNonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite non-negative number");
        }
    }
}
