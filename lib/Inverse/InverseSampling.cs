using Diffusion.Ddpm;
using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// What the posterior samplers of this folder share besides the DDPM step (<see cref="DdpmSampler"/>, on
/// <see cref="NoiseSchedule.PosteriorStep"/>): checking y against A, the timestep lists, the checks of their settings.
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

    /// <summary><paramref name="count"/> timesteps from <paramref name="first"/> down to 0 (both ends, evenly spaced; every one when count = first + 1).</summary>
    public static int[] Timesteps(int first, int count) => TimestepSpacings.Compute(TimestepSpacing.Linspace, first + 1, count);

    /// <summary>Throws unless <paramref name="value"/> is a finite non-negative number.</summary>
    public static void CheckNonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite non-negative number");
        }
    }
}
