using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cold;

/// <summary>
/// The degradation Bansal et al. (2022) use to explain why Algorithm 2 forgives a poor restorer: D(x, s) = x + (s/T)·a for a
/// fixed image a, linear in s. Then D(x̂₀, s − 1) − D(x̂₀, s) = −a/T does not depend on x̂₀, so Algorithm 2 walks from
/// D(x₀, T) through every D(x₀, s) whatever the restorer returns, while Algorithm 1 carries the restorer's errors. Not a
/// degradation to train on (it adds, it does not remove information): a test bed for the samplers.
/// </summary>
public sealed class AdditiveDrift : Degradation
{
    private readonly Tensor _direction;

    /// <summary>D(x, s) = x + (s/<paramref name="t"/>)·<paramref name="direction"/> ([C, H, W] or [1, C, H, W]; copied).</summary>
    /// <exception cref="ArgumentException">The direction is not an image.</exception>
    public AdditiveDrift(Tensor direction, int t) : base(t)
    {
        ArgumentNullException.ThrowIfNull(direction);
        if (direction.dim() is not (3 or 4) || (direction.dim() == 4 && direction.shape[0] != 1))
        {
            throw new ArgumentException($"drift: the direction a must be one image [C, H, W] or [1, C, H, W], got {Shapes.Format(direction)}", nameof(direction));
        }
        _direction = (direction.dim() == 3 ? direction.unsqueeze(0) : direction).detach().clone();
    }

    /// <inheritdoc/>
    public override string Name => "drift";

    /// <inheritdoc/>
    public override string Describe() => $"drift: D(x, s) = x + (s / T) a, T = {T} (linear in s: Algorithm 2 is exact for any restorer)";

    /// <inheritdoc/>
    protected override Tensor ApplyChecked(Tensor x, Tensor s)
    {
        var direction = _direction.to(x.dtype, x.device);
        if (!direction.shape.AsSpan(1).SequenceEqual(x.shape.AsSpan(1)))
        {
            throw new ArgumentException($"drift: images {Shapes.Format(x)} do not match the direction {Shapes.Format(_direction)}", nameof(x));
        }
        return x + (s.to(x.dtype) / T).reshape(-1, 1, 1, 1) * direction;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _direction.Dispose();
        }
    }
}
