using Diffusion.Tensors;

namespace Diffusion.Ddpm;

/// <summary>
/// The forward (noising) process of a DDPM and its posterior, for a <see cref="NoiseSchedule"/>.
/// Timesteps are 0-based batches of int64 (see <see cref="NoiseSchedule"/>).
/// </summary>
public sealed class ForwardProcess
{
    /// <summary>Wraps a schedule.</summary>
    public ForwardProcess(NoiseSchedule schedule)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
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
        using var scope = new TensorScope();
        using var a = NoiseSchedule.Extract(Schedule.SqrtAlphaBars, t, x0);
        using var s = NoiseSchedule.Extract(Schedule.SqrtOneMinusAlphaBars, t, x0);
        return scope.Keep(a * x0 + s * noise);
    }

    /// <summary>The mean √ᾱ_t x_0 and variance 1 − ᾱ_t of q(x_t | x_0) at one timestep (0-based).</summary>
    public (double MeanCoef, double Variance) QMarginal(int t) => (Schedule.SqrtAlphaBars[t], 1 - Schedule.AlphaBars[t]);

    /// <summary>
    /// One step of the chain q(x_t | x_{t−1}) (eq. 2): x_t = √(1 − β_t) x_{t−1} + √β_t ε, at a single timestep <paramref name="t"/> (0-based).
    /// </summary>
    public Tensor QStep(Tensor xPrev, int t, Tensor noise)
    {
        CheckSameShape(xPrev, noise, nameof(noise));
        using var scope = new TensorScope();
        return scope.Keep(xPrev * Schedule.SqrtAlphas[t] + noise * Math.Sqrt(Schedule.Betas[t]));
    }

    /// <summary>
    /// Runs the chain from x_0 through <paramref name="t"/> + 1 steps of <see cref="QStep"/> (fresh noise each step) and returns x_t;
    /// its distribution equals <see cref="QSample"/>'s (the point of eq. 4).
    /// </summary>
    public Tensor QSampleIterated(Tensor x0, int t, Generator? generator = null)
    {
        var x = x0.Alias();
        for (int s = 0; s <= t; s++)
        {
            using var scope = new TensorScope();
            var eps = generator is null ? Torch.RandnLike(x) : Torch.RandnLike(x, generator: generator);
            var next = scope.Keep(QStep(x, s, eps));
            x.Dispose();
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
        using var scope = new TensorScope();
        var c1 = NoiseSchedule.Extract(Schedule.PosteriorMeanCoef1, t, xt);
        var c2 = NoiseSchedule.Extract(Schedule.PosteriorMeanCoef2, t, xt);
        return scope.Keep(c1 * x0 + c2 * xt);
    }

    /// <summary>
    /// The posterior mean written with the noise instead of x_0 (eq. 11): μ̃_t = (1/√α_t)(x_t − β_t/√(1 − ᾱ_t) · ε),
    /// equal to <see cref="PosteriorMean"/> when x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε.
    /// </summary>
    public Tensor PosteriorMeanFromEps(Tensor xt, Tensor t, Tensor eps)
    {
        CheckSameShape(xt, eps, nameof(eps));
        using var scope = new TensorScope();
        var recipSqrtAlpha = NoiseSchedule.Extract(Schedule.SqrtAlphas.Select(v => 1 / v).ToArray(), t, xt);
        var epsCoef = NoiseSchedule.Extract(Schedule.Betas.Zip(Schedule.SqrtOneMinusAlphaBars, (b, s) => b / s).ToArray(), t, xt);
        return scope.Keep(recipSqrtAlpha * (xt - epsCoef * eps));
    }

    /// <summary>x̂_0 from x_t and a noise (prediction): x̂_0 = √(1/ᾱ_t) x_t − √(1/ᾱ_t − 1) ε.</summary>
    public Tensor PredictX0FromEps(Tensor xt, Tensor t, Tensor eps)
    {
        CheckSameShape(xt, eps, nameof(eps));
        using var scope = new TensorScope();
        var a = NoiseSchedule.Extract(Schedule.SqrtRecipAlphaBars, t, xt);
        var b = NoiseSchedule.Extract(Schedule.SqrtRecipM1AlphaBars, t, xt);
        return scope.Keep(a * xt - b * eps);
    }

    /// <summary>ε from x_t and x_0: ε = (x_t − √ᾱ_t x_0)/√(1 − ᾱ_t).</summary>
    public Tensor PredictEpsFromX0(Tensor xt, Tensor t, Tensor x0)
    {
        CheckSameShape(xt, x0, nameof(x0));
        using var scope = new TensorScope();
        var a = NoiseSchedule.Extract(Schedule.SqrtAlphaBars, t, xt);
        var s = NoiseSchedule.Extract(Schedule.SqrtOneMinusAlphaBars, t, xt);
        return scope.Keep((xt - a * x0) / s);
    }

    /// <summary>The posterior variance β̃_t at one timestep (0-based).</summary>
    public double PosteriorVariance(int t) => Schedule.PosteriorVariance[t];

    private static void CheckSameShape(Tensor a, Tensor b, string name)
    {
        var sa = a.Shape;
        var sb = b.Shape;
        if (!sa.AsSpan().SequenceEqual(sb))
        {
            throw new ArgumentException($"{name} has shape {Tensor.FormatShape(sb)} but x has shape {Tensor.FormatShape(sa)}; they must match", name);
        }
    }
}
