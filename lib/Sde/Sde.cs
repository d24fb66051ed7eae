using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// A forward SDE dx = f(x, t) dt + g(t) dw on t ∈ [0, T] (Song et al. 2021, eq. 5), with the closed-form Gaussian
/// perturbation kernel p_0t(x(t) | x(0)) = N(m(t) x(0), σ(t)² I), the prior p_T and an N-step discretisation
/// x_{i+1} = x_i + f_i(x_i) + G_i z_i. Times are tensors t [B], one per row of x.
/// </summary>
/// <remarks>Modelled on score_sde_pytorch's <c>sde_lib.SDE</c>, with types in place of its string switches.</remarks>
public abstract class Sde
{
    /// <summary>An SDE with <paramref name="n"/> discretisation steps.</summary>
    protected Sde(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        N = n;
    }

    /// <summary>N, the number of discretisation steps.</summary>
    public int N { get; }

    /// <summary>T, the end time (1 for all three SDEs).</summary>
    public virtual double T => 1.0;

    /// <summary>The drift f(x, t) (a tensor of x's shape).</summary>
    public abstract Tensor Drift(Tensor x, Tensor t);

    /// <summary>The diffusion coefficient g(t), one per row: shape [B].</summary>
    public abstract Tensor Diffusion(Tensor t);

    /// <summary>The marginal mean coefficient m(t) of p_0t(x(t) | x(0)) = N(m(t) x(0), σ(t)² I), shape [B].</summary>
    public abstract Tensor MeanCoefficient(Tensor t);

    /// <summary>The marginal standard deviation σ(t), shape [B].</summary>
    public abstract Tensor MarginalStd(Tensor t);

    /// <summary>The perturbation kernel's mean m(t) x(0) and standard deviation σ(t) [B] (<c>marginal_prob</c>).</summary>
    public (Tensor Mean, Tensor Std) MarginalProb(Tensor x0, Tensor t)
    {
        CheckTimes(x0, t);
        using var scope = torch.NewDisposeScope();
        var mean = x0 * Rows(MeanCoefficient(t), x0);
        var std = MarginalStd(t);
        return (mean.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope());
    }

    /// <summary>The prior's standard deviation (p_T = N(0, σ_T² I)).</summary>
    public abstract double PriorStd { get; }

    /// <summary>x_T ~ p_T of <paramref name="shape"/> (float32 unless <paramref name="dtype"/> says otherwise).</summary>
    public Tensor PriorSampling(long[] shape, Generator? generator = null, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(shape, dtype: dtype, device: device, generator: generator) * PriorStd;
        return z.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log p_T(z) per row [B] for p_T = N(0, σ_T² I): −D/2 · log(2π σ_T²) − ‖z‖² / (2 σ_T²), D the number of entries of a row.
    /// </summary>
    public Tensor PriorLogProb(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.dim() < 1)
        {
            throw new ArgumentException($"z must have a batch dimension, got shape {Shapes.Format(z)}", nameof(z));
        }
        using var scope = torch.NewDisposeScope();
        long d = z.numel() / z.shape[0];
        double var = PriorStd * PriorStd;
        var sq = z.reshape(z.shape[0], -1).square().sum(1);
        var logp = sq * (-0.5 / var) - 0.5 * d * Math.Log(2 * Math.PI * var);
        return logp.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The discretisation x_{i+1} = x_i + f_i(x_i) + G_i z_i at time t: returns f_i (x's shape) and G_i [B]. The default is
    /// Euler-Maruyama with Δt = T/N: f_i = f(x, t) Δt, G_i = g(t) √Δt; VP and VE override it with DDPM's and SMLD's forms.
    /// </summary>
    public virtual (Tensor F, Tensor G) Discretize(Tensor x, Tensor t)
    {
        CheckTimes(x, t);
        using var scope = torch.NewDisposeScope();
        double dt = T / N;
        var f = Drift(x, t) * dt;
        var g = Diffusion(t) * Math.Sqrt(dt);
        return (f.MoveToOuterDisposeScope(), g.MoveToOuterDisposeScope());
    }

    /// <summary>The reverse-time SDE (or, with <paramref name="probabilityFlow"/>, the probability-flow ODE) driven by <paramref name="score"/>.</summary>
    public ReverseSde Reverse(ScoreModel score, bool probabilityFlow = false) => new(this, score, probabilityFlow);

    /// <summary>
    /// The tolerance δ added before truncating in <see cref="StepIndices"/>: it absorbs float32 round-off of t (at most about
    /// 6e-8 · (N − 1), 6e-5 for N = 1000) so that t = i T/(N − 1) maps to i, while staying below 1 − (N − 1) ε/T, the gap
    /// left by the largest fractional part of the PC grid's t (N − 1)/T (1 − 0.999 = 1e-3 for ε = 1e-3, N = 1000).
    /// </summary>
    public const double StepIndexTolerance = 1e-4;

    /// <summary>
    /// The discrete step index i = ⌊t (N − 1) / T + δ⌋ of each time (δ = <see cref="StepIndexTolerance"/>), clamped to
    /// {0, …, N − 1}: score_sde_pytorch's truncation <c>(t * (N - 1) / T).long()</c>. On the PC grid
    /// t_k = T − k (T − ε)/(N − 1) it gives t_k (N − 1)/T = N − 1 − k + k ε/T, so i = N − 1 − k for every k while k ε/T + δ &lt; 1:
    /// each index from N − 1 down to 0 once (rounding would visit (N − 1)/2 twice and never 0 for ε = 1e-3).
    /// </summary>
    public long[] StepIndices(Tensor t)
    {
        using var cpu = t.to(ScalarType.Float64, torch.CPU);
        return cpu.data<double>().ToArray().Select(v => (long)Math.Clamp(Math.Floor(v * (N - 1) / T + StepIndexTolerance), 0, N - 1)).ToArray();
    }

    /// <summary>values[i] for each row's step index, as a [B] tensor in <paramref name="like"/>'s dtype and device.</summary>
    protected Tensor Pick(double[] values, Tensor t, Tensor like)
    {
        var idx = StepIndices(t);
        return torch.tensor(idx.Select(i => values[i]).ToArray(), dtype: like.dtype, device: like.device);
    }

    /// <summary>Reshapes per-row values [B] to [B, 1, …, 1] so they broadcast against <paramref name="x"/>.</summary>
    public static Tensor Rows(Tensor perRow, Tensor x)
    {
        var shape = new long[Math.Max(1, x.dim())];
        Array.Fill(shape, 1L);
        shape[0] = perRow.shape[0];
        return perRow.to(x.dtype).reshape(shape);
    }

    /// <summary>Throws unless t is a 1-D tensor with one time per row of x.</summary>
    internal static void CheckTimes(Tensor x, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(t);
        if (t.dim() != 1 || x.dim() < 1 || t.shape[0] != x.shape[0])
        {
            throw new ArgumentException($"times have shape {Shapes.Format(t)} but x has shape {Shapes.Format(x)}: give one time per row of x", nameof(t));
        }
    }
}
