using Diffusion.Ddpm;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// The variance-preserving SDE dx = −½ β(t) x dt + √β(t) dw with β(t) = β_min + t (β_max − β_min), the continuous limit of
/// DDPM (Song et al. 2021, eq. 11).
/// </summary>
/// <remarks>
/// m(t) = exp(−¼ t² (β_max − β_min) − ½ t β_min), σ(t)² = 1 − m(t)², prior N(0, I).
/// Discretised as DDPM: β_i = β_min/N + i/(N−1) · (β_max − β_min)/N, α_i = 1 − β_i, f_i = (√α_i − 1) x, G_i = √β_i, so
/// VpSde(0.1, 20, 1000) has exactly DDPM's linear β from 1e-4 to 0.02. The discretisation is a <see cref="NoiseSchedule"/>
/// (<see cref="Schedule"/>): α_i and ᾱ_i are the schedule's, computed in that one place.
/// </remarks>
public class VpSde : Sde
{
    /// <summary>A VP SDE with β from <paramref name="betaMin"/> to <paramref name="betaMax"/> and <paramref name="n"/> steps.</summary>
    public VpSde(double betaMin = 0.1, double betaMax = 20, int n = 1000) : base(n)
    {
        if (!(betaMin > 0) || !(betaMax > betaMin))
        {
            throw new ArgumentOutOfRangeException(nameof(betaMax), $"need β_max > β_min > 0, got β_min = {betaMin}, β_max = {betaMax}");
        }
        BetaMin = betaMin;
        BetaMax = betaMax;
        var betas = new double[n];
        for (int i = 0; i < n; i++)
        {
            double frac = n == 1 ? 0 : i / (double)(n - 1);
            betas[i] = betaMin / n + frac * (betaMax / n - betaMin / n);
        }
        Schedule = NoiseSchedule.Discretisation(betas);
    }

    /// <summary>β_min (β(0)).</summary>
    public double BetaMin { get; }

    /// <summary>β_max (β(1)).</summary>
    public double BetaMax { get; }

    /// <summary>The N-step discretisation as DDPM's schedule: β_i, α_i, ᾱ_i and the rest.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>β_i of the N-step discretisation (DDPM's β_{i+1}).</summary>
    public double[] DiscreteBetas => Schedule.Betas;

    /// <summary>α_i = 1 − β_i.</summary>
    public double[] Alphas => Schedule.Alphas;

    /// <summary>ᾱ_i = ∏_{j≤i} α_j.</summary>
    public double[] AlphaBars => Schedule.AlphaBars;

    /// <summary>β(t) = β_min + t (β_max − β_min), shape [B].</summary>
    public Tensor Beta(Tensor t) => t * (BetaMax - BetaMin) + BetaMin;

    /// <summary>log m(t) = −¼ t² (β_max − β_min) − ½ t β_min.</summary>
    public Tensor LogMeanCoefficient(Tensor t) => t.square() * (-0.25 * (BetaMax - BetaMin)) - t * (0.5 * BetaMin);

    /// <inheritdoc/>
    public override double PriorStd => 1.0;

    /// <inheritdoc/>
    public override Tensor Drift(Tensor x, Tensor t)
    {
        CheckTimes(x, t);
        using var scope = torch.NewDisposeScope();
        return (x * Rows(Beta(t), x) * -0.5).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor Diffusion(Tensor t) => Beta(t).sqrt();

    /// <inheritdoc/>
    public override Tensor MeanCoefficient(Tensor t) => LogMeanCoefficient(t).exp();

    /// <inheritdoc/>
    public override Tensor MarginalStd(Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        return (1 - (LogMeanCoefficient(t) * 2).exp()).sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>β_i at each row's step index i = ⌊t (N − 1) + δ⌋, shape [B] in x's dtype.</summary>
    public Tensor DiscreteBeta(Tensor t, Tensor like) => Pick(DiscreteBetas, t, like);

    /// <summary>α_i at each row's step index, shape [B].</summary>
    public Tensor DiscreteAlpha(Tensor t, Tensor like) => Pick(Alphas, t, like);

    /// <summary>√(1 − ᾱ_i) at each row's step index, shape [B]: DDPM's noise level of step i.</summary>
    public Tensor DiscreteStd(Tensor t, Tensor like) => Pick(Schedule.SqrtOneMinusAlphaBars, t, like);

    /// <summary>DDPM's step: f_i = (√α_i − 1) x, G_i = √β_i.</summary>
    public override (Tensor F, Tensor G) Discretize(Tensor x, Tensor t)
    {
        CheckTimes(x, t);
        using var scope = torch.NewDisposeScope();
        var beta = DiscreteBeta(t, x);
        var f = x * Rows((1 - beta).sqrt(), x) - x;
        var g = beta.sqrt();
        return (f.MoveToOuterDisposeScope(), g.MoveToOuterDisposeScope());
    }
}
