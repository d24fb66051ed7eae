using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>The weighting λ(t) of the continuous denoising score-matching loss.</summary>
public enum LossWeighting
{
    /// <summary>λ(t) = σ(t)² (Song et al. 2021, the paper's default): L = E ‖σ s_θ + z‖², every t on the same scale.</summary>
    SigmaSquared,

    /// <summary>λ(t) = g(t)² (Song et al. 2021b, "likelihood weighting"): the loss bounds the negative log-likelihood.</summary>
    Likelihood,
}

/// <summary>How the squared error is reduced over the D entries of a sample.</summary>
public enum LossReduction
{
    /// <summary>Σ_d, the norm ‖·‖² of the formula (and of the loss <c>mean(Σ_i (score_i·σ_i + z_i)²)</c> in the MA4530 project poster "Image Denoising via Advanced Diffusion Generative Modeling").</summary>
    Sum,

    /// <summary>½ Σ_d, score_sde_pytorch's <c>reduce_mean=False</c>.</summary>
    HalfSum,

    /// <summary>mean_d, score_sde_pytorch's <c>reduce_mean=True</c>.</summary>
    Mean,
}

/// <summary>
/// The continuous-time denoising score-matching objective (Song et al. 2021, eq. 7):
/// L(θ) = E_{t ~ U(ε, T)} E_{x(0)} E_{z ~ N(0, I)} [λ(t) ‖s_θ(x(t), t) + z / σ(t)‖²],  x(t) = m(t) x(0) + σ(t) z,
/// since ∇ log p_0t(x(t) | x(0)) = −z / σ(t). The batch mean stands for the expectation. As score_sde_pytorch's
/// <c>get_sde_loss_fn</c>: the σ² weighting is computed as ‖σ s_θ + z‖² (no division by σ), the likelihood weighting as
/// g(t)² ‖s_θ + z/σ‖², and the per-sample reduction is a sum (the formula), half a sum or a mean.
/// </summary>
/// <param name="sde">The forward SDE (gives m(t), σ(t) and g(t)).</param>
/// <param name="weighting">λ(t).</param>
/// <param name="reduction">The reduction over a sample's entries.</param>
/// <param name="eps">ε, the smallest time drawn (1e-5 in score_sde_pytorch).</param>
public sealed class ScoreMatchingLoss(Sde sde, LossWeighting weighting = LossWeighting.SigmaSquared, LossReduction reduction = LossReduction.Sum,
    double eps = 1e-5)
{
    private readonly Sde _sde = sde ?? throw new ArgumentNullException(nameof(sde));

    /// <summary>λ(t).</summary>
    public LossWeighting Weighting => weighting;

    /// <summary>The per-sample reduction.</summary>
    public LossReduction Reduction => reduction;

    /// <summary>ε.</summary>
    public double Eps => eps;

    /// <summary>λ(t) per row [B]: σ(t)² or g(t)².</summary>
    public Tensor Lambda(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        using var scope = torch.NewDisposeScope();
        var lambda = weighting == LossWeighting.SigmaSquared ? _sde.MarginalStd(t).square() : _sde.Diffusion(t).square();
        return lambda.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One Monte Carlo estimate over a batch x(0) [B, …]: draws t [B] = ε + (T − ε) u, u ~ U[0, 1), then z ~ N(0, I) of x's shape
    /// (in that order, from <paramref name="generator"/> or the global generator), and returns the scalar loss (with grad when
    /// the score has parameters).
    /// </summary>
    public Tensor Compute(ScoreModel score, Tensor x0, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        CheckBatch(x0);
        if (!(eps > 0 && eps < _sde.T))
        {
            throw new InvalidOperationException($"ε must lie in (0, T = {_sde.T}), got {eps}");
        }
        using var scope = torch.NewDisposeScope();
        var t = torch.rand([x0.shape[0]], dtype: x0.dtype, device: x0.device, generator: generator) * (_sde.T - eps) + eps;
        var z = torch.randn(x0.shape, dtype: x0.dtype, device: x0.device, generator: generator);
        return Compute(score, x0, t, z).MoveToOuterDisposeScope();
    }

    /// <summary>The loss for given times t [B] and noise z (x's shape): the batch mean of <see cref="PerSample"/>.</summary>
    public Tensor Compute(ScoreModel score, Tensor x0, Tensor t, Tensor z)
    {
        using var scope = torch.NewDisposeScope();
        return PerSample(score, x0, t, z).mean().MoveToOuterDisposeScope();
    }

    /// <summary>λ(t_b) · reduce_d (s_θ(x_b(t), t_b) + z_b/σ(t_b))² per row [B], x(t) = m(t) x(0) + σ(t) z.</summary>
    public Tensor PerSample(ScoreModel score, Tensor x0, Tensor t, Tensor z)
    {
        ArgumentNullException.ThrowIfNull(score);
        CheckBatch(x0);
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(z);
        if (t.dim() != 1 || t.shape[0] != x0.shape[0])
        {
            throw new ArgumentException($"t must have shape [{x0.shape[0]}] to match x(0) {Shapes.Format(x0)}, got {Shapes.Format(t)}", nameof(t));
        }
        if (!z.shape.AsSpan().SequenceEqual(x0.shape))
        {
            throw new ArgumentException($"z has shape {Shapes.Format(z)} but x(0) has shape {Shapes.Format(x0)}; they must match", nameof(z));
        }
        using var scope = torch.NewDisposeScope();
        var (mean, std) = _sde.MarginalProb(x0, t);
        var sigma = Sde.Rows(std, x0);
        var xt = mean + sigma * z;
        var s = score(xt, t);
        if (!s.shape.AsSpan().SequenceEqual(x0.shape))
        {
            throw new InvalidOperationException($"the score model returned shape {Shapes.Format(s)} for x of shape {Shapes.Format(x0)}");
        }
        long b = x0.shape[0];
        Tensor losses;
        if (weighting == LossWeighting.SigmaSquared)
        {
            losses = Reduce((s * sigma + z).square().reshape(b, -1));
        }
        else
        {
            losses = Reduce((s + z / sigma).square().reshape(b, -1)) * _sde.Diffusion(t).square().to(x0.dtype);
        }
        return losses.MoveToOuterDisposeScope();
    }

    private Tensor Reduce(Tensor squares) => reduction switch
    {
        LossReduction.Sum => squares.sum(1),
        LossReduction.HalfSum => squares.sum(1) * 0.5,
        LossReduction.Mean => squares.mean([1]),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "unknown reduction"),
    };

    private static void CheckBatch(Tensor x0)
    {
        ArgumentNullException.ThrowIfNull(x0);
        if (x0.dim() < 2)
        {
            throw new ArgumentException($"x(0) must be a batch [B, …] with at least one data dimension, got shape {Shapes.Format(x0)}", nameof(x0));
        }
    }
}
