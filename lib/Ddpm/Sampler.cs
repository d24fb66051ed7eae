using System.Runtime.InteropServices;
using Diffusion.Engine;
using Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Ddpm;

/// <summary>
/// The base of the samplers: keeps the schedule and the timestep list, finds the previous timestep of a step, and runs the
/// whole reverse loop (<see cref="Sample(EpsilonModel, Tensor, NoiseSource, Action{SamplingStep}?, bool, CancellationToken)"/>)
/// on <see cref="SamplingLoop"/> (no gradients, one dispose scope per step, the host's interrupt observed).
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

    /// <summary>How <see cref="SetTimesteps(int)"/> spaces the timesteps.</summary>
    public TimestepSpacing Spacing { get; }

    /// <inheritdoc/>
    public int[] Timesteps => (int[])_timesteps.Clone();

    /// <summary>The number of steps a loop runs.</summary>
    public int StepCount => _timesteps.Length;

    /// <inheritdoc/>
    public void SetTimesteps(int count) => Use(TimestepSpacings.Compute(Spacing, Schedule.T, count));

    /// <summary>
    /// Runs the loop over <paramref name="timesteps"/> instead of a spaced list (as diffusers' <c>set_timesteps(timesteps=…)</c>):
    /// 0-based, strictly decreasing, within 0 … T − 1; the chain need not start at T − 1 (SDEdit starts part-way) nor end at 0.
    /// </summary>
    public void SetTimesteps(IReadOnlyList<int> timesteps)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        if (timesteps.Count == 0)
        {
            throw new ArgumentException("give at least one timestep", nameof(timesteps));
        }
        for (int i = 0; i < timesteps.Count; i++)
        {
            if (timesteps[i] < 0 || timesteps[i] >= Schedule.T || (i > 0 && timesteps[i] >= timesteps[i - 1]))
            {
                throw new ArgumentException($"timesteps must decrease strictly within 0 … {Schedule.T - 1}; got {string.Join(", ", timesteps)}", nameof(timesteps));
            }
        }
        Use([.. timesteps]);
    }

    private void Use(int[] timesteps)
    {
        _timesteps = timesteps;
        _previous = new Dictionary<int, int>(timesteps.Length);
        for (int i = 0; i < _timesteps.Length; i++)
        {
            _previous[_timesteps[i]] = i + 1 < _timesteps.Length ? _timesteps[i + 1] : -1;
        }
    }

    /// <summary>The timestep after <paramref name="t"/> in the loop (smaller), or −1 after the last (meaning x_0, ᾱ = 1).</summary>
    public int PreviousTimestep(int t) =>
        _previous.TryGetValue(t, out int p) ? p
        : throw new ArgumentOutOfRangeException(nameof(t), t, $"timestep {t} is not one of the {_timesteps.Length} timesteps set by SetTimesteps");

    /// <inheritdoc/>
    public StepResult Step(Tensor modelOutput, int t, Tensor x, torch.Generator? generator = null) =>
        Step(modelOutput, t, x, NoiseSources.From(generator));

    /// <inheritdoc/>
    public abstract StepResult Step(Tensor modelOutput, int t, Tensor x, NoiseSource noise);

    /// <summary>
    /// Runs the reverse process from <paramref name="xT"/> over <see cref="Timesteps"/>: at each t, ε̂ = model(x, t) and
    /// x = Step(ε̂, t, x), each step in its own dispose scope. No gradients are recorded. Returns the final sample, registered
    /// in the caller's dispose scope (or owned by the caller when there is none).
    /// </summary>
    /// <param name="model">ε_θ (a module: <see cref="EpsilonModels.From"/>; put it in eval mode first, so dropout is off).</param>
    /// <param name="xT">The starting noise [B, …] (not disposed).</param>
    /// <param name="noise">The source of the per-step noise z.</param>
    /// <param name="observer">Called after every step (see <see cref="SamplingStep"/>).</param>
    /// <param name="showProgress">Draws a progress bar (a console bar, or a notebook display).</param>
    /// <param name="cancellation">Stops the loop (as does a notebook interrupt) with <see cref="OperationCanceledException"/>.</param>
    public Tensor Sample(EpsilonModel model, Tensor xT, NoiseSource noise, Action<SamplingStep>? observer = null,
        bool showProgress = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(xT);
        ArgumentNullException.ThrowIfNull(noise);
        if (xT.dim() < 1)
        {
            throw new ArgumentException($"x_T must be a batch [B, …], got shape {Shapes.Format(xT)}", nameof(xT));
        }
        int[] steps = _timesteps;
        return SamplingLoop.Run(xT, steps.Length, GetType().Name, (i, x) =>
        {
            int t = steps[i];
            var eps = Predict(model, x, t);
            var result = Step(eps, t, x, noise);
            return new LoopStep(result.PrevSample, result.PredOriginalSample, t);
        }, new SamplingHooks(observer, showProgress, cancellation));
    }

    /// <summary>The loop of <see cref="Sample(EpsilonModel, Tensor, NoiseSource, Action{SamplingStep}?, bool, CancellationToken)"/> with noise from <paramref name="generator"/> (null: the global generator).</summary>
    public Tensor Sample(EpsilonModel model, Tensor xT, torch.Generator? generator = null, Action<SamplingStep>? observer = null,
        bool showProgress = false, CancellationToken cancellation = default) =>
        Sample(model, xT, NoiseSources.From(generator), observer, showProgress, cancellation);

    /// <summary>Draws x_T ~ N(0, I) of <paramref name="shape"/> from <paramref name="generator"/>, then runs the loop with the same generator.</summary>
    public Tensor Sample(EpsilonModel model, long[] shape, torch.Generator? generator = null, Action<SamplingStep>? observer = null,
        bool showProgress = false, CancellationToken cancellation = default, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        using var xT = torch.randn(shape, dtype: dtype, device: device ?? torch.CPU, generator: generator);
        return Sample(model, xT, generator, observer, showProgress, cancellation);
    }

    /// <summary>The loop for a module such as the UNet, from x_T drawn as in the overload above (put the module in eval mode first).</summary>
    public Tensor Sample(nn.Module<Tensor, Tensor, Tensor> model, long[] shape, torch.Generator? generator = null, Action<SamplingStep>? observer = null,
        bool showProgress = false, CancellationToken cancellation = default, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Sample(EpsilonModels.From(model), shape, generator, observer, showProgress, cancellation, dtype, device);

    /// <summary>The loop for a module such as the UNet, from a given x_T (put the module in eval mode first).</summary>
    public Tensor Sample(nn.Module<Tensor, Tensor, Tensor> model, Tensor xT, torch.Generator? generator = null, Action<SamplingStep>? observer = null,
        bool showProgress = false, CancellationToken cancellation = default) =>
        Sample(EpsilonModels.From(model), xT, generator, observer, showProgress, cancellation);

    /// <summary>
    /// ε̂ = model(x, t) for a batch of one timestep <paramref name="t"/>, with a model's own failure (say a layer expecting another
    /// shape) reported with x's shape, and checked to have x's shape. Every ε-model call of the DDPM-based samplers goes through here.
    /// </summary>
    internal static Tensor Predict(EpsilonModel model, Tensor x, int t)
    {
        var tBatch = NoiseSchedule.Steps(t, x.shape[0], x.device);
        Tensor eps;
        try
        {
            eps = model(x, tBatch);
        }
        catch (ExternalException e)
        {
            string cause = e.Message.Split('\n', 2)[0];
            throw new ArgumentException($"the ε-model failed on x of shape {Shapes.Format(x)} with timesteps {Shapes.Format(tBatch)} (does x have the image shape the model was built for?): {cause}", e);
        }
        CheckShapes(eps, x);
        return eps;
    }

    /// <summary>Throws unless the model output and x have the same shape (the message names both).</summary>
    protected static void CheckShapes(Tensor modelOutput, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(x);
        if (!modelOutput.shape.AsSpan().SequenceEqual(x.shape))
        {
            throw new ArgumentException($"the model output has shape {Shapes.Format(modelOutput)} but x has shape {Shapes.Format(x)}; an ε-model must return x's shape", nameof(modelOutput));
        }
    }
}
