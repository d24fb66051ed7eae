using Diffusion.Ddpm;
using Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// SDEdit (Meng et al. 2022) for y = A x + σ_y n with any DDPM ε-model: noise a guess x_g to step t0 by q(x_t0 | x_0) and
/// run the reverse DDPM chain to 0; repeat K times from the result. For a <see cref="PixelMask"/> the known pixels can be
/// re-noised from y at every step (<see cref="SdEditOptions.RenoiseKnownPixels"/>), so the result keeps them.
/// </summary>
/// <remarks>
/// One pass from x_g, with n0 = round(t0 T) and timesteps n0 − 1 = t_1 &gt; … &gt; t_S = 0 (then s = −1, ᾱ_{−1} = 1):
/// e ~ N(0, I), x = √ᾱ_{t_1} x_g + √(1 − ᾱ_{t_1}) e;
/// at each t with next s: ε̂ = ε_θ(x, t), x̂_0 = (x − √(1 − ᾱ_t) ε̂)/√ᾱ_t, x ← μ̃(x, x̂_0) + σ z (no z at the last step): the
/// step of a <see cref="DdpmSampler"/> over the pass's timesteps; and with masked re-noising x ← M ⊙ (√ᾱ_s y + √(1 − ᾱ_s) e) + (1 − M) ⊙ x.
/// Then x_g ← x for the next pass. Without a guess, x_g = Aᵀy ⊘ Aᵀ1 where Aᵀ1 &gt; 0 (y itself on a mask's known pixels, the
/// nearest up-sampling of y for average pooling, ≈ Aᵀy for a blur) and z ~ N(0, I) on the pixels A does not see.
/// </remarks>
public sealed class SdEdit
{
    /// <summary>SDEdit with the model's training <paramref name="schedule"/>.</summary>
    public SdEdit(NoiseSchedule schedule, SdEditOptions? options = null)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Options = options ?? new SdEditOptions();
        if (!(Options.T0 >= 0 && Options.T0 <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.T0, "t0 must lie in [0, 1] (a fraction of T)");
        }
        if (Options.Repeats < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Repeats, "the number of repeats K must be at least 1");
        }
        StartStep = (int)Math.Round(Options.T0 * schedule.T, MidpointRounding.ToEven);
        int steps = Options.Steps ?? StartStep;
        if (StartStep > 0 && (steps < 1 || steps > StartStep))
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Steps, $"the number of steps must be in 1 … n0 = {StartStep}");
        }
        _process = new ForwardProcess(schedule);
        _ddpm = new DdpmSampler(schedule, Options.Variance, Options.ClipDenoised);
        if (StartStep > 0)
        {
            _ddpm.SetTimesteps(InverseSampling.Timesteps(StartStep - 1, steps));
        }
    }

    private readonly DdpmSampler _ddpm;
    private readonly ForwardProcess _process;

    /// <summary>The training schedule.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>The settings.</summary>
    public SdEditOptions Options { get; }

    /// <summary>n0 = round(t0 T): the guess is noised to 0-based timestep n0 − 1 (no noise and no steps when n0 = 0).</summary>
    public int StartStep { get; }

    /// <summary>The timesteps of one pass, largest first (evenly spaced from n0 − 1 down to 0, both ends; none when n0 = 0).</summary>
    public int[] Timesteps => StartStep == 0 ? [] : _ddpm.Timesteps;

    /// <summary>
    /// The default guess x_g = Aᵀy ⊘ Aᵀ1 where Aᵀ1 &gt; 0, z ~ N(0, I) from <paramref name="noise"/> elsewhere (the pixels A does not
    /// observe). A new tensor registered in the caller's dispose scope.
    /// </summary>
    public static Tensor BackProjection(MeasurementOperator a, Tensor y, NoiseSource noise)
    {
        ArgumentNullException.ThrowIfNull(noise);
        InverseSampling.ImageShape(a, y, null);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var back = a.Adjoint(y);
        var weight = a.Adjoint(ones_like(y));
        var seen = weight > 0;
        var z = NoiseSources.Draw(noise, back);
        var guess = where(seen, back / where(seen, weight, ones_like(weight)), z);
        return guess.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs K passes of SDEdit and returns the result [N, C, H, W] (registered in the caller's dispose scope). No gradients are
    /// recorded; each step runs in its own dispose scope.
    /// </summary>
    /// <param name="model">ε_θ (put a module in eval mode first).</param>
    /// <param name="a">The measurement operator.</param>
    /// <param name="y">The measurements, of the shape A gives the images.</param>
    /// <param name="noise">The source of every random draw (the guess's fill, e, z).</param>
    /// <param name="guess">The starting image x_g (not modified); null: <see cref="BackProjection"/>.</param>
    /// <param name="observer">Called after every step; Index runs over all K passes (Count = K · steps).</param>
    /// <param name="showProgress">Draws a progress bar.</param>
    /// <param name="cancellation">Stops the loop (as does a notebook interrupt).</param>
    public Tensor Sample(EpsilonModel model, MeasurementOperator a, Tensor y, NoiseSource noise, Tensor? guess = null,
        Action<SamplingStep>? observer = null, bool showProgress = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(noise);
        InverseSampling.ImageShape(a, y, guess?.shape);
        Tensor start;
        using (no_grad())
        {
            start = guess is null ? BackProjection(a, y, noise) : guess.clone();
        }
        int[] timesteps = Timesteps;
        if (timesteps.Length == 0)
        {
            return start;
        }
        var mask = Options.RenoiseKnownPixels ? a as PixelMask : null;
        int steps = timesteps.Length;
        Tensor? e = null;
        try
        {
            return SamplingLoop.Run(start, Options.Repeats * steps, nameof(SdEdit), (i, x) =>
            {
                int j = i % steps, t = timesteps[j], s = j + 1 < steps ? timesteps[j + 1] : -1;
                var xt = x;
                if (j == 0)
                {
                    // 1. A new pass: noise the current image to t_1 with q(x_t | x_0).
                    e?.Dispose();
                    e = NoiseSources.Draw(noise, x).MoveToOuterDisposeScope();
                    xt = _process.QSample(x, t, e);
                }
                // 2. The DDPM step from t to s.
                var (next, x0) = _ddpm.Step(Sampler.Predict(model, xt, t), t, xt, noise);
                // 3. Masked re-noising: the known pixels follow q(y | s) with the pass's noise e (y itself at s = −1).
                if (mask is not null)
                {
                    var known = s < 0 ? y : _process.QSample(y, s, e!);
                    next = next - mask.Forward(next) + mask.Forward(known);
                }
                return new LoopStep(next, x0, t);
            }, new SamplingHooks(observer, showProgress, cancellation), ownsStart: true);
        }
        finally
        {
            e?.Dispose();
        }
    }

    /// <summary>The loop of <see cref="Sample(EpsilonModel, MeasurementOperator, Tensor, NoiseSource, Tensor?, Action{SamplingStep}?, bool, CancellationToken)"/> with draws from <paramref name="generator"/> (null: the global generator).</summary>
    public Tensor Sample(EpsilonModel model, MeasurementOperator a, Tensor y, torch.Generator? generator = null, Tensor? guess = null,
        Action<SamplingStep>? observer = null, bool showProgress = false, CancellationToken cancellation = default) =>
        Sample(model, a, y, NoiseSources.From(generator), guess, observer, showProgress, cancellation);
}
