using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// The reverse-time SDE dx = [f(x, t) − g(t)² s(x, t)] dt + g(t) dw̄ (Song et al. 2021, eq. 6), or with
/// <see cref="ProbabilityFlow"/> the probability-flow ODE dx = [f(x, t) − ½ g(t)² s(x, t)] dt (eq. 13), both driven by a score
/// model s ≈ ∇_x log p_t. Integrated backwards from T to ε.
/// </summary>
public sealed class ReverseSde
{
    internal ReverseSde(Sde forward, ScoreModel score, bool probabilityFlow)
    {
        Forward = forward ?? throw new ArgumentNullException(nameof(forward));
        Score = score ?? throw new ArgumentNullException(nameof(score));
        ProbabilityFlow = probabilityFlow;
    }

    /// <summary>The forward SDE.</summary>
    public Sde Forward { get; }

    /// <summary>The score model.</summary>
    public ScoreModel Score { get; }

    /// <summary>Whether this is the probability-flow ODE (no noise, half the score term).</summary>
    public bool ProbabilityFlow { get; }

    private double ScoreWeight => ProbabilityFlow ? 0.5 : 1.0;

    /// <summary>The reverse drift f − g² s (· ½ for the ODE), x's shape.</summary>
    public Tensor Drift(Tensor x, Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var g = Forward.Diffusion(t);
        var s = Score(x, t);
        var drift = Forward.Drift(x, t) - Sde.Rows(g.square(), x) * s * ScoreWeight;
        return drift.MoveToOuterDisposeScope();
    }

    /// <summary>The reverse diffusion g(t) [B] (zeros for the ODE).</summary>
    public Tensor Diffusion(Tensor t) => ProbabilityFlow ? torch.zeros_like(t) : Forward.Diffusion(t);

    /// <summary>
    /// The reverse discretisation: f̄_i = f_i − G_i² s (· ½ for the ODE) and Ḡ_i = G_i (0 for the ODE), so that
    /// x_{i−1} = x_i − f̄_i + Ḡ_i z.
    /// </summary>
    public (Tensor F, Tensor G) Discretize(Tensor x, Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var (f, g) = Forward.Discretize(x, t);
        var s = Score(x, t);
        var rf = f - Sde.Rows(g.square(), x) * s * ScoreWeight;
        var rg = ProbabilityFlow ? torch.zeros_like(g) : g;
        return (rf.MoveToOuterDisposeScope(), rg.MoveToOuterDisposeScope());
    }
}
