using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// The forward-process schedule and every quantity derived from it, precomputed in float64 and named after
/// its symbol. Index <c>t</c> runs over 0 … T − 1 as in the reference code: array entry <c>t</c> is the paper's
/// step t + 1 (so <c>AlphaBars[0]</c> = ᾱ_1 = 1 − β_1 and <c>AlphaBarsPrev[0]</c> = ᾱ_0 = 1).
/// </summary>
public sealed class NoiseSchedule
{
    /// <summary>Builds every derived quantity from β_1 … β_T.</summary>
    public NoiseSchedule(double[] betas)
    {
        ArgumentNullException.ThrowIfNull(betas);
        if (betas.Length == 0 || betas.Any(b => !(b > 0 && b < 1)))
        {
            throw new ArgumentException("every β_t must lie in (0, 1)", nameof(betas));
        }

        int n = betas.Length;
        Betas = (double[])betas.Clone();
        Alphas = new double[n];
        AlphaBars = new double[n];
        AlphaBarsPrev = new double[n];
        AlphaBarsNext = new double[n];
        SqrtAlphas = new double[n];
        SqrtAlphaBars = new double[n];
        SqrtOneMinusAlphaBars = new double[n];
        LogOneMinusAlphaBars = new double[n];
        SqrtRecipAlphaBars = new double[n];
        SqrtRecipM1AlphaBars = new double[n];
        PosteriorVariance = new double[n];
        PosteriorLogVarianceClipped = new double[n];
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
            double ab = AlphaBars[t], abPrev = AlphaBarsPrev[t];
            AlphaBarsNext[t] = t + 1 < n ? AlphaBars[t + 1] : 0;
            SqrtAlphas[t] = Math.Sqrt(Alphas[t]);
            SqrtAlphaBars[t] = Math.Sqrt(ab);
            SqrtOneMinusAlphaBars[t] = Math.Sqrt(1 - ab);
            LogOneMinusAlphaBars[t] = Math.Log(1 - ab);
            SqrtRecipAlphaBars[t] = Math.Sqrt(1 / ab);
            SqrtRecipM1AlphaBars[t] = Math.Sqrt(1 / ab - 1);
            PosteriorVariance[t] = Betas[t] * (1 - abPrev) / (1 - ab);
            PosteriorMeanCoef1[t] = Betas[t] * Math.Sqrt(abPrev) / (1 - ab);
            PosteriorMeanCoef2[t] = (1 - abPrev) * Math.Sqrt(Alphas[t]) / (1 - ab);
        }

        for (int t = 0; t < n; t++)
        {
            // The posterior variance is 0 at the first step; its log is clipped to the second step's value.
            PosteriorLogVarianceClipped[t] = Math.Log(t == 0 && n > 1 ? PosteriorVariance[1] : PosteriorVariance[t]);
        }
    }

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

    /// <summary>ᾱ_{t−1} (with ᾱ_0 = 1).</summary>
    public double[] AlphaBarsPrev { get; }

    /// <summary>ᾱ_{t+1} (0 past the end).</summary>
    public double[] AlphaBarsNext { get; }

    /// <summary>√α_t.</summary>
    public double[] SqrtAlphas { get; }

    /// <summary>√ᾱ_t, the signal coefficient of q(x_t | x_0).</summary>
    public double[] SqrtAlphaBars { get; }

    /// <summary>√(1 − ᾱ_t), the noise coefficient of q(x_t | x_0).</summary>
    public double[] SqrtOneMinusAlphaBars { get; }

    /// <summary>log(1 − ᾱ_t).</summary>
    public double[] LogOneMinusAlphaBars { get; }

    /// <summary>√(1/ᾱ_t), used in x̂_0 = √(1/ᾱ_t) x_t − √(1/ᾱ_t − 1) ε.</summary>
    public double[] SqrtRecipAlphaBars { get; }

    /// <summary>√(1/ᾱ_t − 1).</summary>
    public double[] SqrtRecipM1AlphaBars { get; }

    /// <summary>β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t), the variance of q(x_{t−1} | x_t, x_0).</summary>
    public double[] PosteriorVariance { get; }

    /// <summary>log β̃_t, with the t = 1 entry (which is log 0) replaced by log β̃_2.</summary>
    public double[] PosteriorLogVarianceClipped { get; }

    /// <summary>The x_0 coefficient of the posterior mean: β_t √ᾱ_{t−1} / (1 − ᾱ_t).</summary>
    public double[] PosteriorMeanCoef1 { get; }

    /// <summary>The x_t coefficient of the posterior mean: (1 − ᾱ_{t−1}) √α_t / (1 − ᾱ_t).</summary>
    public double[] PosteriorMeanCoef2 { get; }

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
            if (s < 0 || s >= values.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(t), s, $"timestep {s} is outside 0 … {values.Length - 1}");
            }
            picked[i] = values[s];
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
