using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// The sub-VP SDE dx = −½ β(t) x dt + √(β(t) (1 − e^{−2 ∫_0^t β(s) ds})) dw (Song et al. 2021, eq. 12), whose variance stays
/// below the VP SDE's at every t.
/// </summary>
/// <remarks>
/// ∫_0^t β = β_min t + ½ t² (β_max − β_min); m(t) = exp(−½ ∫_0^t β) (the VP SDE's), σ(t) = 1 − m(t)² (not its square root);
/// prior N(0, I); discretised by Euler-Maruyama.
/// </remarks>
public sealed class SubVpSde : Sde
{
    private readonly VpSde _vp;

    /// <summary>A sub-VP SDE with β from <paramref name="betaMin"/> to <paramref name="betaMax"/> and <paramref name="n"/> steps.</summary>
    public SubVpSde(double betaMin = 0.1, double betaMax = 20, int n = 1000) : base(n) => _vp = new VpSde(betaMin, betaMax, n);

    /// <summary>β_min.</summary>
    public double BetaMin => _vp.BetaMin;

    /// <summary>β_max.</summary>
    public double BetaMax => _vp.BetaMax;

    /// <inheritdoc/>
    public override double PriorStd => 1.0;

    /// <inheritdoc/>
    public override Tensor Drift(Tensor x, Tensor t) => _vp.Drift(x, t);

    /// <summary>g(t) = √(β(t) (1 − exp(−2 β_min t − (β_max − β_min) t²))).</summary>
    public override Tensor Diffusion(Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var discount = 1 - (t * (-2 * BetaMin) - t.square() * (BetaMax - BetaMin)).exp();
        return (_vp.Beta(t) * discount).sqrt().MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor MeanCoefficient(Tensor t) => _vp.MeanCoefficient(t);

    /// <inheritdoc/>
    public override Tensor MarginalStd(Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        return (1 - (_vp.LogMeanCoefficient(t) * 2).exp()).MoveToOuterDisposeScope();
    }
}
