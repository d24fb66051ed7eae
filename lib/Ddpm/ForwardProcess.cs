using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// The forward (noising) process of a DDPM and its posterior, for a <see cref="NoiseSchedule"/>.
/// Timesteps are 0-based batches of int64 (see <see cref="NoiseSchedule"/>). Every method returns a new tensor, registered
/// in the caller's dispose scope when there is one.
/// </summary>
public sealed class ForwardProcess
{
    // 1/√α_t and β_t/√(1 − ᾱ_t), the coefficients of eq. 11.
    private readonly double[] _recipSqrtAlphas;
    private readonly double[] _epsCoefs;

    /// <summary>Wraps a schedule.</summary>
    public ForwardProcess(NoiseSchedule schedule)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        _recipSqrtAlphas = schedule.SqrtAlphas.Select(v => 1 / v).ToArray();
        _epsCoefs = schedule.Betas.Zip(schedule.SqrtOneMinusAlphaBars, (b, s) => b / s).ToArray();
    }

    /// <summary>The schedule.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>
    /// Samples q(x_t | x_0) in closed form (eq. 4 of Ho et al.): x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε.
    /// </summary>
    /// <param name="x0">Clean data [B, …].</param>
    /// <param name="t">Timesteps [B] (int64, 0-based).</param>
    /// <param name="noise">ε ~ N(0, I) of x0's shape.</param>
    public Tensor QSample(Tensor x0, Tensor t, Tensor noise)
    {
        CheckSameShape(x0, noise, nameof(noise));
        using var scope = torch.NewDisposeScope();
        var a = NoiseSchedule.Extract(Schedule.SqrtAlphaBars, t, x0);
        var s = NoiseSchedule.Extract(Schedule.SqrtOneMinusAlphaBars, t, x0);
        return (a * x0 + s * noise).MoveToOuterDisposeScope();
    }

    /// <summary><see cref="QSample(Tensor, Tensor, Tensor)"/> at one timestep <paramref name="t"/> (0-based) for the whole batch.</summary>
    public Tensor QSample(Tensor x0, int t, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(x0);
        if (x0.dim() < 1)
        {
            throw new ArgumentException($"x_0 must be a batch [B, …], got shape {Shapes.Format(x0)}", nameof(x0));
        }
        using var steps = NoiseSchedule.Steps(t, x0.shape[0], x0.device);
        return QSample(x0, steps, noise);
    }

    /// <summary>The mean √ᾱ_t x_0 and variance 1 − ᾱ_t of q(x_t | x_0) at one timestep (0-based).</summary>
    public (double MeanCoef, double Variance) QMarginal(int t) => (Schedule.SqrtAlphaBars[t], 1 - Schedule.AlphaBars[t]);

    /// <summary>
    /// One step of the chain q(x_t | x_{t−1}) (eq. 2): x_t = √(1 − β_t) x_{t−1} + √β_t ε, at a single timestep <paramref name="t"/> (0-based).
    /// </summary>
    public Tensor QStep(Tensor xPrev, int t, Tensor noise)
    {
        CheckSameShape(xPrev, noise, nameof(noise));
        CheckTimestep(t);
        using var scope = torch.NewDisposeScope();
        return (xPrev * Schedule.SqrtAlphas[t] + noise * Math.Sqrt(Schedule.Betas[t])).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs the chain from x_0 through <paramref name="t"/> + 1 steps of <see cref="QStep"/> (fresh noise each step, drawn from
    /// <paramref name="generator"/> or the global generator) and returns x_t; its distribution equals <see cref="QSample(Tensor, Tensor, Tensor)"/>'s
    /// (the point of eq. 4). Each step runs in its own dispose scope, so memory stays flat for any t.
    /// </summary>
    public Tensor QSampleIterated(Tensor x0, int t, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x0);
        CheckTimestep(t);
        var x = x0;
        for (int s = 0; s <= t; s++)
        {
            using var scope = torch.NewDisposeScope();
            var eps = torch.randn(x.shape, dtype: x.dtype, device: x.device, generator: generator);
            var next = QStep(x, s, eps).MoveToOuterDisposeScope();
            if (!ReferenceEquals(x, x0))
            {
                x.Dispose();
            }
            x = next;
        }
        return x;
    }

    /// <summary>
    /// The posterior mean μ̃_t(x_t, x_0) = β_t √ᾱ_{t−1}/(1 − ᾱ_t) · x_0 + (1 − ᾱ_{t−1}) √α_t/(1 − ᾱ_t) · x_t (eq. 7).
    /// </summary>
    public Tensor PosteriorMean(Tensor x0, Tensor xt, Tensor t)
    {
        CheckSameShape(x0, xt, nameof(xt));
        using var scope = torch.NewDisposeScope();
        var c1 = NoiseSchedule.Extract(Schedule.PosteriorMeanCoef1, t, xt);
        var c2 = NoiseSchedule.Extract(Schedule.PosteriorMeanCoef2, t, xt);
        return (c1 * x0 + c2 * xt).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The posterior mean written with the noise instead of x_0 (eq. 11): μ̃_t = (1/√α_t)(x_t − β_t/√(1 − ᾱ_t) · ε),
    /// equal to <see cref="PosteriorMean"/> when x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε.
    /// </summary>
    public Tensor PosteriorMeanFromEps(Tensor xt, Tensor t, Tensor eps)
    {
        CheckSameShape(xt, eps, nameof(eps));
        using var scope = torch.NewDisposeScope();
        var recipSqrtAlpha = NoiseSchedule.Extract(_recipSqrtAlphas, t, xt);
        var epsCoef = NoiseSchedule.Extract(_epsCoefs, t, xt);
        return (recipSqrtAlpha * (xt - epsCoef * eps)).MoveToOuterDisposeScope();
    }

    /// <summary>x̂_0 from x_t and a noise (prediction), one timestep per row: <see cref="NoiseSchedule.PredictOriginal(Tensor, Tensor, Tensor, bool)"/>.</summary>
    public Tensor PredictX0FromEps(Tensor xt, Tensor t, Tensor eps)
    {
        CheckSameShape(xt, eps, nameof(eps));
        return Schedule.PredictOriginal(xt, eps, t);
    }

    /// <summary>ε from x_t and x_0: ε = (x_t − √ᾱ_t x_0)/√(1 − ᾱ_t).</summary>
    public Tensor PredictEpsFromX0(Tensor xt, Tensor t, Tensor x0)
    {
        CheckSameShape(xt, x0, nameof(x0));
        using var scope = torch.NewDisposeScope();
        var a = NoiseSchedule.Extract(Schedule.SqrtAlphaBars, t, xt);
        var s = NoiseSchedule.Extract(Schedule.SqrtOneMinusAlphaBars, t, xt);
        return ((xt - a * x0) / s).MoveToOuterDisposeScope();
    }

    /// <summary>The posterior variance β̃_t at one timestep (0-based).</summary>
    public double PosteriorVariance(int t) => Schedule.PosteriorVariance[t];

    private void CheckTimestep(int t)
    {
        if (t < 0 || t >= Schedule.T)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, $"timestep {t} is outside 0 … {Schedule.T - 1}");
        }
    }

    private static void CheckSameShape(Tensor a, Tensor b, string name)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b, name);
        if (!a.shape.AsSpan().SequenceEqual(b.shape))
        {
            throw new ArgumentException($"{name} has shape {Shapes.Format(b)} but x has shape {Shapes.Format(a)}; they must match", name);
        }
    }
}
