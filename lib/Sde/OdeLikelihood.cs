using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// Exact likelihoods by the probability-flow ODE (Song et al. 2021, §4.3 and Appendix D.2; Chen et al. 2018's instantaneous
/// change of variables): the pair [x(t), δ(t)] solves
/// d x/dt = f̃(x, t) = f(x, t) − ½ g(t)² s_θ(x, t),  d δ/dt = ∇·f̃(x(t), t),
/// from x(ε) = x, δ(ε) = 0 up to T with <see cref="DormandPrince"/>, and then log p_ε(x) = log p_T(x(T)) + δ(T), with log p_T the
/// SDE's prior log-density (<see cref="Sde.PriorLogProb"/>). Bits/dim = −log p_ε(x) / (D ln 2), plus the 8-bit data offset
/// of <see cref="DataScaling.BitsPerDimOffset"/> when a scaling is given.
/// </summary>
/// <remarks>
/// The divergence is estimated by Hutchinson-Skilling, ∇·f̃ ≈ vᵀ (∂f̃/∂x) v with one probe v drawn per row at the start and
/// held fixed for the whole solve (so the ODE is a fixed smooth system and δ(T) is an unbiased estimate), or computed exactly
/// (<see cref="DivergenceEstimator.Exact"/>, D backward passes). The solver state, in float64 as SciPy's (score_sde_pytorch's
/// <c>likelihood.py</c>), is [x flattened, δ] per row; the score model runs in x's own dtype. One right-hand-side evaluation
/// is one score evaluation plus one (or D) vector-Jacobian products.
/// </remarks>
/// <param name="sde">The forward SDE.</param>
/// <param name="score">s_θ; it must be differentiable in x (no <c>no_grad</c> inside).</param>
/// <param name="divergence">How ∇·f̃ is computed.</param>
/// <param name="eps">ε, where the ODE starts (1e-5 in score_sde_pytorch's likelihood).</param>
/// <param name="rtol">The solver's relative tolerance.</param>
/// <param name="atol">The solver's absolute tolerance.</param>
public sealed class OdeLikelihood(Sde sde, ScoreModel score, DivergenceEstimator divergence = DivergenceEstimator.Rademacher,
    double eps = 1e-5, double rtol = 1e-5, double atol = 1e-5)
{
    private readonly Sde _sde = sde ?? throw new ArgumentNullException(nameof(sde));
    private readonly ReverseSde _ode = sde.Reverse(score ?? throw new ArgumentNullException(nameof(score)), probabilityFlow: true);

    /// <summary>How the divergence is computed.</summary>
    public DivergenceEstimator Estimator => divergence;

    /// <summary>ε, the start time.</summary>
    public double Eps => eps;

    /// <summary>
    /// log p_ε(x) and bits/dim of x [B, …], already in the model's range. The Hutchinson probes come from
    /// <paramref name="generator"/> (null: the global generator). With <paramref name="scaling"/>, x is taken to be dequantised
    /// 8-bit data mapped by it and <see cref="LikelihoodResult.BitsPerDim"/> includes <see cref="DataScaling.BitsPerDimOffset"/>
    /// (as score_sde_pytorch's bits/dim); without it, bits/dim is the continuous −log p_ε(x) / (D ln 2).
    /// </summary>
    public LikelihoodResult Compute(Tensor x, Generator? generator = null, DataScaling? scaling = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() < 2)
        {
            throw new ArgumentException($"x must be a batch [B, …] with at least one data dimension, got shape {Shapes.Format(x)}", nameof(x));
        }
        if (!x.is_floating_point())
        {
            throw new ArgumentException($"x must be floating point in the model's range, got {x.dtype} (dequantise 8-bit pixels with {nameof(ComputeDequantized)})", nameof(x));
        }
        if (!(eps > 0 && eps < _sde.T))
        {
            throw new InvalidOperationException($"ε must lie in (0, T = {_sde.T}), got {eps}");
        }
        double offset = scaling?.BitsPerDimOffset ?? 0;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long b = x.shape[0], d = x.numel() / b;
        var shape = x.shape;
        var modelDtype = x.dtype;
        Tensor? probe = divergence switch
        {
            DivergenceEstimator.Rademacher => torch.randint(0, 2, shape, dtype: modelDtype, device: x.device, generator: generator) * 2 - 1,
            DivergenceEstimator.Gaussian => torch.randn(shape, dtype: modelDtype, device: x.device, generator: generator),
            DivergenceEstimator.Exact => null,
            _ => throw new ArgumentOutOfRangeException(nameof(divergence), divergence, "unknown divergence estimator"),
        };

        Tensor Rhs(double t, Tensor y)
        {
            using var inner = torch.NewDisposeScope();
            var xt = y.narrow(1, 0, d).reshape(shape).to(modelDtype);
            var tt = torch.full([b], t, dtype: modelDtype, device: x.device);
            Tensor Field(Tensor xx) => _ode.Drift(xx, tt);
            var (drift, div) = probe is null ? Divergence.Exact(Field, xt) : Divergence.Hutchinson(Field, xt, probe);
            var dy = torch.cat([drift.reshape(b, d).to(ScalarType.Float64), div.reshape(b, 1).to(ScalarType.Float64)], 1);
            return dy.MoveToOuterDisposeScope();
        }

        var y0 = torch.cat([x.reshape(b, d).to(ScalarType.Float64), torch.zeros([b, 1], dtype: ScalarType.Float64, device: x.device)], 1);
        var solution = DormandPrince.Solve(Rhs, y0, eps, _sde.T, rtol, atol);
        var z = solution.Y.narrow(1, 0, d).reshape(shape);
        var delta = solution.Y.select(1, d);
        var prior = _sde.PriorLogProb(z);
        var logp = prior + delta;
        var bpd = -logp / (d * Math.Log(2)) + offset;
        return new LikelihoodResult(logp.MoveToOuterDisposeScope(), bpd.MoveToOuterDisposeScope(), z.contiguous().MoveToOuterDisposeScope(),
            prior.MoveToOuterDisposeScope(), delta.contiguous().MoveToOuterDisposeScope(), solution.Nfe, solution.Accepted, solution.Rejected);
    }

    /// <summary>
    /// Bits/dim of 8-bit data: dequantises the pixels k [B, …] ∈ {0, …, 255} to u = (k + U)/256 (U drawn first from
    /// <paramref name="generator"/>), maps them to the model's range by <paramref name="scaling"/>, and computes as
    /// <see cref="Compute"/> with the offset 8 − log₂ a, in <paramref name="dtype"/>.
    /// </summary>
    public LikelihoodResult ComputeDequantized(Tensor pixels, DataScaling scaling, Generator? generator = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(scaling);
        using var scope = torch.NewDisposeScope();
        var x = scaling.ToModel(DataScaling.Dequantize(pixels, generator, dtype));
        var result = Compute(x, generator, scaling);
        return result with
        {
            LogLikelihood = result.LogLikelihood.MoveToOuterDisposeScope(),
            BitsPerDim = result.BitsPerDim.MoveToOuterDisposeScope(),
            Latent = result.Latent.MoveToOuterDisposeScope(),
            PriorLogProb = result.PriorLogProb.MoveToOuterDisposeScope(),
            DeltaLogP = result.DeltaLogP.MoveToOuterDisposeScope(),
        };
    }
}
