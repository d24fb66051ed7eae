using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// The variance-exploding SDE dx = √(d σ(t)²/dt) dw with σ(t) = σ_min (σ_max/σ_min)^t, the continuous limit of SMLD / NCSN
/// (Song et al. 2021, eq. 9).
/// </summary>
/// <remarks>
/// f = 0, g(t) = σ(t) √(2 log(σ_max/σ_min)); m(t) = 1, marginal std σ(t); prior N(0, σ_max² I).
/// Discretised as SMLD: σ_i = exp(log σ_min + i/(N−1) · log(σ_max/σ_min)), f_i = 0, G_i = √(σ_i² − σ_{i−1}²) with σ_{−1} = 0.
/// </remarks>
public sealed class VeSde : Sde
{
    /// <summary>A VE SDE from <paramref name="sigmaMin"/> to <paramref name="sigmaMax"/> with <paramref name="n"/> steps.</summary>
    public VeSde(double sigmaMin = 0.01, double sigmaMax = 50, int n = 1000) : base(n)
    {
        if (!(sigmaMin > 0) || !(sigmaMax > sigmaMin))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaMax), $"need σ_max > σ_min > 0, got σ_min = {sigmaMin}, σ_max = {sigmaMax}");
        }
        SigmaMin = sigmaMin;
        SigmaMax = sigmaMax;
        DiscreteSigmas = new double[n];
        for (int i = 0; i < n; i++)
        {
            double frac = n == 1 ? 0 : i / (double)(n - 1);
            DiscreteSigmas[i] = Math.Exp(Math.Log(sigmaMin) + frac * (Math.Log(sigmaMax) - Math.Log(sigmaMin)));
        }
    }

    /// <summary>σ_min.</summary>
    public double SigmaMin { get; }

    /// <summary>σ_max.</summary>
    public double SigmaMax { get; }

    /// <summary>σ_i, geometric from σ_min to σ_max.</summary>
    public double[] DiscreteSigmas { get; }

    /// <inheritdoc/>
    public override double PriorStd => SigmaMax;

    /// <summary>σ(t) = σ_min (σ_max/σ_min)^t, shape [B].</summary>
    public Tensor Sigma(Tensor t) => (t * Math.Log(SigmaMax / SigmaMin)).exp() * SigmaMin;

    /// <inheritdoc/>
    public override Tensor Drift(Tensor x, Tensor t)
    {
        CheckTimes(x, t);
        return torch.zeros_like(x);
    }

    /// <inheritdoc/>
    public override Tensor Diffusion(Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        return (Sigma(t) * Math.Sqrt(2 * Math.Log(SigmaMax / SigmaMin))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor MeanCoefficient(Tensor t) => torch.ones_like(t);

    /// <inheritdoc/>
    public override Tensor MarginalStd(Tensor t) => Sigma(t);

    /// <summary>σ_i at each row's step index, shape [B].</summary>
    public Tensor DiscreteSigma(Tensor t, Tensor like) => Pick(DiscreteSigmas, t, like);

    /// <summary>σ_{i−1} at each row's step index (0 at i = 0), shape [B].</summary>
    public Tensor AdjacentSigma(Tensor t, Tensor like) => Pick(DiscreteSigmas.Select((_, i) => i == 0 ? 0.0 : DiscreteSigmas[i - 1]).ToArray(), t, like);

    /// <summary>SMLD's step: f_i = 0, G_i = √(σ_i² − σ_{i−1}²).</summary>
    public override (Tensor F, Tensor G) Discretize(Tensor x, Tensor t)
    {
        CheckTimes(x, t);
        using var scope = torch.NewDisposeScope();
        var sigma = DiscreteSigma(t, x);
        var adjacent = AdjacentSigma(t, x);
        var g = (sigma.square() - adjacent.square()).sqrt();
        return (torch.zeros_like(x).MoveToOuterDisposeScope(), g.MoveToOuterDisposeScope());
    }
}
