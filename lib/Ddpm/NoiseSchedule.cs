using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// The forward-process schedule, every quantity derived from it that the course names (precomputed in float64, one array per
/// symbol), and the two equations every DDPM sampler shares: x̂_0 from a noise prediction (<see cref="PredictOriginal(Tensor, Tensor, int, bool)"/>)
/// and the posterior step from t to an earlier s (<see cref="PosteriorStep"/>). Index <c>t</c> runs over 0 … T − 1 as in the
/// reference code: array entry <c>t</c> is the paper's step t + 1 (so <c>AlphaBars[0]</c> = ᾱ_1 = 1 − β_1 and
/// <c>AlphaBarsPrev[0]</c> = ᾱ_0 = 1); index −1 stands for x_0 itself (ᾱ_{−1} = 1, see <see cref="AlphaBar"/>).
/// </summary>
public sealed class NoiseSchedule
{
    /// <summary>Builds every derived quantity from β_1 … β_T.</summary>
    public NoiseSchedule(double[] betas) : this(betas, belowOne: true)
    {
    }

    private NoiseSchedule(double[] betas, bool belowOne)
    {
        ArgumentNullException.ThrowIfNull(betas);
        if (betas.Length == 0 || betas.Any(b => !(b > 0 && (b < 1 || !belowOne))))
        {
            throw new ArgumentException(belowOne ? "every β_t must lie in (0, 1)" : "every β_i must be positive", nameof(betas));
        }

        int n = betas.Length;
        Betas = (double[])betas.Clone();
        Alphas = new double[n];
        AlphaBars = new double[n];
        AlphaBarsPrev = new double[n];
        SqrtAlphas = new double[n];
        SqrtAlphaBars = new double[n];
        SqrtOneMinusAlphaBars = new double[n];
        PosteriorVariance = new double[n];
        PosteriorMeanCoef1 = new double[n];
        PosteriorMeanCoef2 = new double[n];

        double alphaBar = 1;
        for (int t = 0; t < n; t++)
        {
            Alphas[t] = 1 - Betas[t];
            AlphaBarsPrev[t] = alphaBar;
            alphaBar *= Alphas[t];
            AlphaBars[t] = alphaBar;
        }

        for (int t = 0; t < n; t++)
        {
            double ab = AlphaBars[t];
            SqrtAlphas[t] = Math.Sqrt(Alphas[t]);
            SqrtAlphaBars[t] = Math.Sqrt(ab);
            SqrtOneMinusAlphaBars[t] = Math.Sqrt(1 - ab);
            (PosteriorMeanCoef1[t], PosteriorMeanCoef2[t]) = PosteriorMeanCoefficients(t, t - 1);
            PosteriorVariance[t] = PosteriorStepVariance(t, t - 1, VarianceType.FixedSmall);
        }
    }

    /// <summary>
    /// The discretisation β_i of an SDE with few steps, where β_i ≥ 1 may occur (VpSde(0.1, 20, 10) has β_9 = 2): then α_i ≤ 0 and
    /// the quantities past it are not a DDPM's (the SDE samplers that need them refuse such a discretisation); β_i &lt; 1 gives the
    /// ordinary schedule.
    /// </summary>
    internal static NoiseSchedule Discretisation(double[] betas) => new(betas, belowOne: false);

    /// <summary>A schedule of <paramref name="kind"/> with T = <paramref name="steps"/> and its usual defaults.</summary>
    public static NoiseSchedule Create(BetaSchedule kind, int steps = 1000) => new(BetaSchedules.For(kind, steps));

    /// <summary>DDPM's linear schedule, β from <paramref name="betaStart"/> to <paramref name="betaEnd"/>.</summary>
    public static NoiseSchedule Linear(int steps = 1000, double betaStart = 1e-4, double betaEnd = 0.02) => new(BetaSchedules.Linear(steps, betaStart, betaEnd));

    /// <summary>The cosine schedule of Nichol and Dhariwal (2021).</summary>
    public static NoiseSchedule Cosine(int steps = 1000, double s = 0.008) => new(BetaSchedules.Cosine(steps, s));

    /// <summary>The quadratic ("scaled linear") schedule.</summary>
    public static NoiseSchedule Quadratic(int steps = 1000, double betaStart = 1e-4, double betaEnd = 0.02) => new(BetaSchedules.Quadratic(steps, betaStart, betaEnd));

    /// <summary>T, the number of steps.</summary>
    public int T => Betas.Length;

    /// <summary>β_t, the variance added at step t.</summary>
    public double[] Betas { get; }

    /// <summary>α_t = 1 − β_t.</summary>
    public double[] Alphas { get; }

    /// <summary>ᾱ_t = ∏_{s≤t} α_s.</summary>
    public double[] AlphaBars { get; }

    /// <summary>ᾱ at 0-based timestep <paramref name="t"/>, with ᾱ_{−1} = 1 (the clean image, where a reverse loop ends).</summary>
    public double AlphaBar(int t) => t < 0 ? 1.0 : AlphaBars[t];

    /// <summary>ᾱ_{t−1} (with ᾱ_0 = 1).</summary>
    public double[] AlphaBarsPrev { get; }

    /// <summary>√α_t.</summary>
    public double[] SqrtAlphas { get; }

    /// <summary>√ᾱ_t, the signal coefficient of q(x_t | x_0).</summary>
    public double[] SqrtAlphaBars { get; }

    /// <summary>√(1 − ᾱ_t), the noise coefficient of q(x_t | x_0).</summary>
    public double[] SqrtOneMinusAlphaBars { get; }

    /// <summary>β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t), the variance of q(x_{t−1} | x_t, x_0).</summary>
    public double[] PosteriorVariance { get; }

    /// <summary>The x_0 coefficient of the posterior mean: β_t √ᾱ_{t−1} / (1 − ᾱ_t).</summary>
    public double[] PosteriorMeanCoef1 { get; }

    /// <summary>The x_t coefficient of the posterior mean: (1 − ᾱ_{t−1}) √α_t / (1 − ᾱ_t).</summary>
    public double[] PosteriorMeanCoef2 { get; }

    /// <summary>
    /// x̂_0 = (x_t − √(1 − ᾱ_t) ε̂) / √ᾱ_t (Ho et al. 2020, eq. 15), at one timestep <paramref name="t"/> for the whole batch,
    /// clipped to [−1, 1] when <paramref name="clip"/>. Differentiable; a new tensor in the caller's dispose scope.
    /// </summary>
    public Tensor PredictOriginal(Tensor x, Tensor eps, int t, bool clip = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(eps);
        CheckTimestep(t);
        using var scope = torch.NewDisposeScope();
        double alphaBar = AlphaBars[t];
        var x0 = (x - eps * Math.Sqrt(1 - alphaBar)) * (1 / Math.Sqrt(alphaBar));
        return (clip ? x0.clamp(-1, 1) : x0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// x̂_0 of <see cref="PredictOriginal(Tensor, Tensor, int, bool)"/> with one timestep per row: <paramref name="t"/> is [B] (int64, 0-based).
    /// </summary>
    public Tensor PredictOriginal(Tensor x, Tensor eps, Tensor t, bool clip = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(eps);
        using var scope = torch.NewDisposeScope();
        var x0 = (x - eps * Extract(SqrtOneMinusAlphaBars, t, x)) * Extract(i => 1 / Math.Sqrt(AlphaBars[i]), T, t, x);
        return (clip ? x0.clamp(-1, 1) : x0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The coefficients of the posterior mean μ̃ = c_0 x̂_0 + c_t x_t of q(x_s | x_t, x_0) for a step from <paramref name="t"/> to an
    /// earlier <paramref name="s"/> (s = t − 1 for the full chain, −1 for x_0): with β' = 1 − ᾱ_t/ᾱ_s (= β_t when s = t − 1) and
    /// α' = 1 − β', c_0 = β' √ᾱ_s / (1 − ᾱ_t) and c_t = (1 − ᾱ_s) √α' / (1 − ᾱ_t) (Ho et al. 2020, eq. 7, respaced as in Nichol and
    /// Dhariwal 2021).
    /// </summary>
    public (double X0, double Xt) PosteriorMeanCoefficients(int t, int s)
    {
        double beta = StepBeta(t, s), alphaBar = AlphaBars[t], alphaBarPrev = AlphaBar(s);
        return (beta * Math.Sqrt(alphaBarPrev) / (1 - alphaBar), (1 - alphaBarPrev) * Math.Sqrt(1 - beta) / (1 - alphaBar));
    }

    /// <summary>
    /// σ² of the reverse step from <paramref name="t"/> to <paramref name="s"/>: β' (<see cref="VarianceType.FixedLarge"/>) or the
    /// posterior's β' (1 − ᾱ_s) / (1 − ᾱ_t) (<see cref="VarianceType.FixedSmall"/>, β̃_t when s = t − 1).
    /// </summary>
    public double PosteriorStepVariance(int t, int s, VarianceType variance)
    {
        double beta = StepBeta(t, s);
        return variance == VarianceType.FixedLarge ? beta : beta * (1 - AlphaBar(s)) / (1 - AlphaBars[t]);
    }

    /// <summary>
    /// The ancestral step x_s = μ̃_t(x_t, x̂_0) + σ z from <paramref name="t"/> to <paramref name="s"/> &lt; t
    /// (<see cref="PosteriorMeanCoefficients"/>, <see cref="PosteriorStepVariance"/>), z ~ N(0, I) from <paramref name="noise"/>;
    /// at s = −1 (x_0) no z is drawn and x_s = μ̃. Every DDPM-based sampler takes this step (DDPM's Algorithm 2, DPS, SDEdit, the
    /// inverse evaluation's denoising chain). A new tensor in the caller's dispose scope.
    /// </summary>
    public Tensor PosteriorStep(Tensor x, Tensor x0, int t, int s, VarianceType variance, NoiseSource noise)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(x0);
        CheckTimestep(t);
        if (s >= t || s < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(s), s, $"a reverse step from t = {t} goes to an earlier s in −1 … {t - 1}");
        }
        using var scope = torch.NewDisposeScope();
        var (c0, ct) = PosteriorMeanCoefficients(t, s);
        var mean = x0 * c0 + x * ct;
        if (s < 0)
        {
            return mean.MoveToOuterDisposeScope();
        }
        var z = NoiseSources.Draw(noise, x);
        return (mean + z * Math.Sqrt(PosteriorStepVariance(t, s, variance))).MoveToOuterDisposeScope();
    }

    /// <summary>β' = 1 − ᾱ_t/ᾱ_s of a step from t to s (β_t itself when s = t − 1).</summary>
    private double StepBeta(int t, int s) => s == t - 1 ? Betas[t] : 1 - AlphaBars[t] / AlphaBar(s);

    private void CheckTimestep(int t)
    {
        if (t < 0 || t >= T)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, $"timestep {t} is outside 0 … {T - 1}");
        }
    }

    /// <summary>
    /// Picks <paramref name="values"/>[t_b] for each timestep of the batch <paramref name="t"/> (int64, shape [B]) and shapes the
    /// result [B, 1, …, 1] with as many dimensions as <paramref name="like"/>, in its dtype and device, so it broadcasts against
    /// a batch of x. This is the one broadcasting helper (<c>extract(a, t, x_shape)</c> in the reference code).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="t"/> is not a 1-D batch whose size is <paramref name="like"/>'s first dimension.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A timestep lies outside 0 … T − 1.</exception>
    public static Tensor Extract(double[] values, Tensor t, Tensor like)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Extract(i => values[i], values.Length, t, like);
    }

    /// <summary><see cref="Extract(double[], Tensor, Tensor)"/> of a quantity computed per timestep (0 … <paramref name="length"/> − 1).</summary>
    private static Tensor Extract(Func<int, double> value, int length, Tensor t, Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        long[] steps = ReadSteps(t);
        if (like.dim() > 0 && like.shape[0] != steps.Length)
        {
            throw new ArgumentException($"timesteps have shape {Shapes.Format(t)} but x has shape {Shapes.Format(like)}: give one timestep per row of x", nameof(t));
        }
        var picked = new double[steps.Length];
        for (int i = 0; i < steps.Length; i++)
        {
            long s = steps[i];
            if (s < 0 || s >= length)
            {
                throw new ArgumentOutOfRangeException(nameof(t), s, $"timestep {s} is outside 0 … {length - 1}");
            }
            picked[i] = value((int)s);
        }

        var shape = new long[Math.Max(1, like.dim())];
        Array.Fill(shape, 1L);
        shape[0] = picked.Length;
        return torch.tensor(picked, shape, dtype: like.dtype, device: like.device);
    }

    /// <summary>A batch of <paramref name="batch"/> copies of timestep <paramref name="t"/> (int64, shape [B]) on <paramref name="device"/> (default: the CPU).</summary>
    public static Tensor Steps(long t, long batch, Device? device = null) =>
        torch.full([batch], t, dtype: ScalarType.Int64, device: device);

    private static long[] ReadSteps(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.dim() != 1)
        {
            throw new ArgumentException($"timesteps must be a 1-D int64 tensor [B], got shape {Shapes.Format(t)}", nameof(t));
        }
        if (t.dtype == ScalarType.Int64 && t.device_type == DeviceType.CPU)
        {
            return t.data<long>().ToArray();
        }
        using var asLong = t.to(ScalarType.Int64, torch.CPU);
        return asLong.data<long>().ToArray();
    }
}
