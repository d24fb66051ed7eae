using Diffusion.Hosting;
using Diffusion.Nn;
using Diffusion.Plotting;
using Diffusion.Tensors;

namespace Diffusion.Ddpm;

/// <summary>
/// The base of the samplers: keeps the schedule and the timestep list, finds the previous timestep of a step, and runs the
/// whole reverse loop (<see cref="Sample(EpsilonModel, Tensor, Generator?, Action{SamplingStep}?, bool, CancellationToken)"/>)
/// under <see cref="Torch.NoGrad"/> in flat memory, observing <see cref="NotebookHost.Cancellation"/>.
/// </summary>
public abstract class Sampler : ISampler
{
    private int[] _timesteps;
    private Dictionary<int, int> _previous = new();

    /// <summary>A sampler over <paramref name="schedule"/> with timesteps chosen by <paramref name="spacing"/>.</summary>
    protected Sampler(NoiseSchedule schedule, TimestepSpacing spacing)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Spacing = spacing;
        _timesteps = [];
        SetTimesteps(schedule.T);
    }

    /// <inheritdoc/>
    public NoiseSchedule Schedule { get; }

    /// <summary>How <see cref="SetTimesteps"/> spaces the timesteps.</summary>
    public TimestepSpacing Spacing { get; }

    /// <inheritdoc/>
    public int[] Timesteps => (int[])_timesteps.Clone();

    /// <summary>The number of steps a loop runs.</summary>
    public int StepCount => _timesteps.Length;

    /// <inheritdoc/>
    public void SetTimesteps(int count)
    {
        _timesteps = TimestepSpacings.Compute(Spacing, Schedule.T, count);
        _previous = new Dictionary<int, int>(count);
        for (int i = 0; i < _timesteps.Length; i++)
        {
            _previous[_timesteps[i]] = i + 1 < _timesteps.Length ? _timesteps[i + 1] : -1;
        }
    }

    /// <summary>The timestep after <paramref name="t"/> in the loop (smaller), or −1 after the last (meaning x_0, ᾱ = 1).</summary>
    public int PreviousTimestep(int t) =>
        _previous.TryGetValue(t, out int p) ? p
        : throw new ArgumentOutOfRangeException(nameof(t), t, $"timestep {t} is not one of the {_timesteps.Length} timesteps set by SetTimesteps");

    /// <summary>ᾱ at timestep <paramref name="t"/>, with ᾱ_{−1} = 1 (the clean image).</summary>
    protected double AlphaBar(int t) => t < 0 ? 1.0 : Schedule.AlphaBars[t];

    /// <inheritdoc/>
    public abstract StepResult Step(Tensor modelOutput, int t, Tensor x, Generator? generator = null);

    /// <summary>
    /// Runs the reverse process from <paramref name="xT"/> over <see cref="Timesteps"/>: at each t, ε̂ = model(x, t) and
    /// x = Step(ε̂, t, x). Returns the final sample (the caller owns it). No gradients are recorded.
    /// </summary>
    /// <param name="model">ε_θ.</param>
    /// <param name="xT">The starting noise [B, …] (not disposed).</param>
    /// <param name="generator">The source of the per-step noise.</param>
    /// <param name="observer">Called after every step (see <see cref="SamplingStep"/>).</param>
    /// <param name="showProgress">Draws a progress bar (a console bar, or a notebook display).</param>
    /// <param name="cancellation">Stops the loop (as does a notebook interrupt) with <see cref="OperationCanceledException"/>.</param>
    public Tensor Sample(EpsilonModel model, Tensor xT, Generator? generator = null, Action<SamplingStep>? observer = null,
        bool showProgress = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(xT);
        int[] steps = Timesteps;
        long batch = xT.Size(0);
        using var noGrad = Torch.NoGrad();
        var x = xT.Alias();
        try
        {
            IEnumerable<int> indices = showProgress ? Progress.Range(steps.Length, GetType().Name) : Enumerable.Range(0, steps.Length);
            foreach (int i in indices)
            {
                NotebookHost.ThrowIfCancelled(cancellation);
                int t = steps[i];
                using var scope = new TensorScope();
                var tBatch = NoiseSchedule.Steps(t, batch).To(x.Device);
                var eps = model(x, tBatch);
                var result = Step(eps, t, x, generator);
                observer?.Invoke(new SamplingStep(i, steps.Length, t, result.PrevSample, result.PredOriginalSample));
                var next = scope.Keep(result.PrevSample);
                x.Dispose();
                x = next;
            }
            return x;
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    /// <summary>Draws x_T ~ N(0, I) of <paramref name="shape"/> from <paramref name="generator"/>, then runs the loop (see the other overload).</summary>
    public Tensor Sample(EpsilonModel model, long[] shape, Generator? generator = null, Action<SamplingStep>? observer = null,
        bool showProgress = false, CancellationToken cancellation = default, DType dtype = DType.Float32, Device? device = null)
    {
        using var xT = Torch.Randn(shape, dtype, device, generator);
        return Sample(model, xT, generator, observer, showProgress, cancellation);
    }

    /// <summary>The loop for a module such as the UNet (put it in eval mode first, so dropout is off).</summary>
    public Tensor Sample(Module<Tensor, Tensor, Tensor> model, long[] shape, Generator? generator = null, Action<SamplingStep>? observer = null,
        bool showProgress = false, CancellationToken cancellation = default, DType dtype = DType.Float32, Device? device = null) =>
        Sample(EpsilonModels.From(model), shape, generator, observer, showProgress, cancellation, dtype, device);

    /// <summary>x̂_0 = (x_t − √(1 − ᾱ_t) ε̂) / √ᾱ_t, clipped to [−1, 1] when <paramref name="clip"/>.</summary>
    protected static Tensor PredictOriginal(Tensor x, Tensor eps, double alphaBar, bool clip)
    {
        using var scope = new TensorScope();
        var x0 = (x - eps * Math.Sqrt(1 - alphaBar)) * (1 / Math.Sqrt(alphaBar));
        if (clip)
        {
            x0 = x0.Clamp(-1, 1);
        }
        return scope.Keep(x0);
    }

    /// <summary>Throws unless the model output and x have the same shape.</summary>
    protected static void CheckShapes(Tensor modelOutput, Tensor x)
    {
        if (!modelOutput.Shape.AsSpan().SequenceEqual(x.Shape))
        {
            throw new ArgumentException($"the model output has shape {Tensor.FormatShape(modelOutput.Shape)} but x has shape {Tensor.FormatShape(x.Shape)}", nameof(modelOutput));
        }
    }
}
