using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cold;

/// <summary>
/// The cold-diffusion training objective (Bansal et al. 2022, eq. 2 with the ℓ1 norm): L = E_{x_0, s} ‖R_θ(D(x_0, s), s) − x_0‖₁
/// (the mean absolute error per pixel), with s ~ U{1, …, T} per image and the degradation's own randomness (the mask's
/// centre) drawn per image.
/// </summary>
public sealed class ColdLoss
{
    /// <summary>The loss for degradation <paramref name="degradation"/>.</summary>
    public ColdLoss(Degradation degradation)
    {
        Degradation = degradation ?? throw new ArgumentNullException(nameof(degradation));
    }

    /// <summary>D.</summary>
    public Degradation Degradation { get; }

    /// <summary>
    /// One Monte Carlo estimate over a batch x_0 [B, C, H, W]: draws s [B] ~ U{1, …, T}, then the degradation's per-image
    /// randomness, from <paramref name="generator"/> (in that order), and returns mean |R(D(x_0, s), s) − x_0| (a scalar with grad).
    /// </summary>
    public Tensor Compute(Restorer restorer, Tensor x0, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(restorer);
        ArgumentNullException.ThrowIfNull(x0);
        if (x0.dim() != 4)
        {
            throw new ArgumentException($"x_0 must be images [B, C, H, W], got {Shapes.Format(x0)}", nameof(x0));
        }
        using var scope = NewDisposeScope();
        var s = randint(1, Degradation.T + 1, [x0.shape[0]], dtype: ScalarType.Int64, generator: generator).to(x0.device);
        var bound = Degradation.ForBatch(x0.shape[0], generator);
        try
        {
            return Compute(restorer, x0, s, bound).MoveToOuterDisposeScope();
        }
        finally
        {
            if (!ReferenceEquals(bound, Degradation))
            {
                bound.Dispose();
            }
        }
    }

    /// <summary>The loss at given severities <paramref name="s"/> [B] with a degradation bound to the batch.</summary>
    public static Tensor Compute(Restorer restorer, Tensor x0, Tensor s, Degradation bound)
    {
        ArgumentNullException.ThrowIfNull(restorer);
        ArgumentNullException.ThrowIfNull(bound);
        using var scope = NewDisposeScope();
        Tensor xs;
        using (no_grad())
        {
            xs = bound.Apply(x0, s);
        }
        var restored = restorer(xs, s.to(ScalarType.Float32));
        if (!restored.shape.AsSpan().SequenceEqual(x0.shape))
        {
            throw new ArgumentException($"the restorer returned {Shapes.Format(restored)} for images {Shapes.Format(x0)}; it must return x's shape", nameof(restorer));
        }
        return nn.functional.l1_loss(restored, x0).MoveToOuterDisposeScope();
    }
}
