using Diffusion.Ddpm;
using Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// Diffusion posterior sampling (Chung et al., ICLR 2023, Algorithm 1 for Gaussian noise) for y = A x + σ_y n with any DDPM
/// ε-model: every ancestral step is followed by a gradient step on the measurement residual of the step's x̂_0,
/// x_{t−1} = x'_{t−1} − ζ ∇_{x_t} ‖y − A(x̂_0(x_t))‖, computed per sample.
/// </summary>
/// <remarks>
/// <para>
/// At each timestep t (next s; s = −1 after the last), from x_T ~ N(0, I):
/// 1. ε̂ = ε_θ(x_t, t) with autograd on x_t; x̂_0 = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t (clipped to [−1, 1] when
/// <see cref="DpsOptions.ClipDenoised"/>);
/// 2. x'_s = μ̃(x_t, x̂_0) + σ_t z: the step of a <see cref="DdpmSampler"/> over the same timesteps (no z at the last step);
/// 3. x_s = x'_s − ζ ∇_{x_t} Σ_b ‖y_b − A(x̂_0)_b‖, the gradient through the network (Algorithm 1, lines 4–7).
/// </para>
/// <para>
/// Step size: the paper writes the step as ζ_i ∇‖y − A(x̂_0)‖² with ζ_i = ζ'/‖y − A(x̂_0)‖; the public code
/// (<c>guided_diffusion/condition_methods.py</c>, <c>PosteriorSampling</c>) takes the gradient of the <em>unsquared</em> norm and
/// multiplies it by <c>scale</c> = ζ, with no further division. That is what is implemented here: ζ ∇‖r‖ = (ζ/(2‖r‖)) ∇‖r‖², i.e.
/// the paper's ζ_i = ζ/(2‖r‖) on the squared norm, and the published ζ (0.5 inpainting, 0.3 deblurring and super-resolution)
/// carries over unchanged.
/// </para>
/// <para>
/// Per sample: the public code takes one norm over the whole batch, ‖R‖ = √(Σ_b ‖r_b‖²), whose gradient for image b is
/// (∂r_b)ᵀ r_b/‖R‖: every image's step shrinks or grows with its batch-mates' residuals. Here the norms are summed,
/// Σ_b ‖r_b‖, whose gradient for image b is (∂r_b)ᵀ r_b/‖r_b‖ (for an ε-model that treats the images of a batch
/// independently), so each image gets the step it would get alone, whatever the batch.
/// </para>
/// </remarks>
public sealed class Dps
{
    /// <summary>DPS with the model's training <paramref name="schedule"/>.</summary>
    public Dps(NoiseSchedule schedule, DpsOptions? options = null)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Options = options ?? new DpsOptions();
        InverseSampling.CheckNonNegative(Options.Scale, "ζ");
        int steps = Options.Steps ?? schedule.T;
        if (steps < 1 || steps > schedule.T)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Steps, $"the number of steps must be in 1 … T = {schedule.T}");
        }
        _ddpm = new DdpmSampler(schedule, Options.Variance, Options.ClipDenoised, TimestepSpacing.Linspace);
        _ddpm.SetTimesteps(steps);
    }

    private readonly DdpmSampler _ddpm;

    /// <summary>The training schedule.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>The settings.</summary>
    public DpsOptions Options { get; }

    /// <summary>The timesteps of the loop, largest first (evenly spaced from T − 1 down to 0, both ends).</summary>
    public int[] Timesteps => _ddpm.Timesteps;

    /// <summary>
    /// The measurement guidance at x_t: g = ∇_{x_t} Σ_b ‖y_b − A(x̂_0(x_t))_b‖ (through the ε-model), with x̂_0 (detached) and the
    /// per-sample residual norms ‖y_b − A(x̂_0)_b‖ [B]. New tensors in the caller's dispose scope; no graph is kept. A residual of
    /// exactly zero contributes a zero gradient.
    /// </summary>
    public (Tensor Gradient, Tensor PredOriginal, Tensor ResidualNorms) MeasurementGradient(EpsilonModel model, MeasurementOperator a, Tensor y, Tensor x, int t)
    {
        using var scope = NewDisposeScope();
        var (gradient, _, x0, norms) = Guidance(model, a, y, x, t);
        return (gradient.MoveToOuterDisposeScope(), x0.MoveToOuterDisposeScope(), norms.MoveToOuterDisposeScope());
    }

    /// <summary><see cref="MeasurementGradient"/> with the ε̂ it was computed from (all detached, in the caller's dispose scope).</summary>
    private (Tensor Gradient, Tensor Eps, Tensor PredOriginal, Tensor ResidualNorms) Guidance(EpsilonModel model, MeasurementOperator a, Tensor y, Tensor x, int t)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        InverseSampling.ImageShape(a, y, x.shape);
        if (t < 0 || t >= Schedule.T)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, $"timestep {t} is outside 0 … {Schedule.T - 1}");
        }
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var xt = x.detach().requires_grad_(true);
        var eps = Sampler.Predict(model, xt, t);
        var x0 = Schedule.PredictOriginal(xt, eps, t, Options.ClipDenoised);
        var residual = y - a.Forward(x0);
        var norms = residual.flatten(1).norm(1);
        var gradient = torch.autograd.grad([norms.sum()], [xt])[0];
        return (gradient.detach().MoveToOuterDisposeScope(), eps.detach().MoveToOuterDisposeScope(), x0.detach().MoveToOuterDisposeScope(),
            norms.detach().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Runs DPS from x_T drawn from <paramref name="noise"/> and returns x_0 [N, C, H, W] in y's dtype and device, registered in
    /// the caller's dispose scope. Each step runs in its own dispose scope; only the guidance gradient records a graph.
    /// </summary>
    /// <param name="model">ε_θ (put a module in eval mode first; it must treat the images of a batch independently, as the UNet does).</param>
    /// <param name="a">The measurement operator (its <see cref="MeasurementOperator.Forward"/> is differentiated).</param>
    /// <param name="y">The measurements, of the shape A gives the images.</param>
    /// <param name="noise">The source of x_T and every z.</param>
    /// <param name="imageShape">The images' shape [N, C, H, W]; null: the shape of Aᵀy.</param>
    /// <param name="observer">Called after every step with x_s and x̂_0.</param>
    /// <param name="showProgress">Draws a progress bar.</param>
    /// <param name="cancellation">Stops the loop (as does a notebook interrupt).</param>
    public Tensor Sample(EpsilonModel model, MeasurementOperator a, Tensor y, NoiseSource noise, long[]? imageShape = null,
        Action<SamplingStep>? observer = null, bool showProgress = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(noise);
        long[] shape = InverseSampling.ImageShape(a, y, imageShape);
        var xT = NoiseSources.Draw(noise, shape, y.dtype, y.device);
        int[] timesteps = Timesteps;
        return SamplingLoop.Run(xT, timesteps.Length, nameof(Dps), (i, x) =>
        {
            int t = timesteps[i];
            // 1. x̂_0 and the guidance gradient ∇_{x_t} Σ_b ‖y_b − A(x̂_0)_b‖.
            var (gradient, eps, _, _) = Guidance(model, a, y, x, t);
            // 2. The DDPM step x'_s, 3. then the measurement step.
            var (prime, x0) = _ddpm.Step(eps, t, x, noise);
            return new LoopStep(prime - gradient * Options.Scale, x0, t);
        }, new SamplingHooks(observer, showProgress, cancellation), ownsStart: true);
    }

    /// <summary>The loop of <see cref="Sample(EpsilonModel, MeasurementOperator, Tensor, NoiseSource, long[], Action{SamplingStep}?, bool, CancellationToken)"/> with draws from <paramref name="generator"/> (null: the global generator).</summary>
    public Tensor Sample(EpsilonModel model, MeasurementOperator a, Tensor y, torch.Generator? generator = null, long[]? imageShape = null,
        Action<SamplingStep>? observer = null, bool showProgress = false, CancellationToken cancellation = default) =>
        Sample(model, a, y, NoiseSources.From(generator), imageShape, observer, showProgress, cancellation);
}
