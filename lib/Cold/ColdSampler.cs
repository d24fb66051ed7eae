using Diffusion.Engine;
using Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cold;

/// <summary>
/// A cold-diffusion sampler (Bansal et al. 2022): one step from x_s to x_{s−1} given the restoration x̂_0 = R(x_s, s). The
/// restorer is not part of the sampler (as with the DDPM samplers); <see cref="Sample"/> runs the loop s = T … 1.
/// </summary>
public abstract class ColdSampler
{
    /// <summary>A sampler for degradation <paramref name="degradation"/> (bound to the batch when it has per-image randomness).</summary>
    protected ColdSampler(Degradation degradation)
    {
        Degradation = degradation ?? throw new ArgumentNullException(nameof(degradation));
    }

    /// <summary>D.</summary>
    public Degradation Degradation { get; }

    /// <summary>"algorithm-1" or "algorithm-2".</summary>
    public abstract string Name { get; }

    /// <summary>One step: x_{s−1} from x_s (<paramref name="xs"/>) and x̂_0 (<paramref name="x0Hat"/>), for an integer s in 1 … T.</summary>
    public Tensor Step(Tensor x0Hat, int s, Tensor xs)
    {
        ArgumentNullException.ThrowIfNull(x0Hat);
        ArgumentNullException.ThrowIfNull(xs);
        if (s < 1 || s > Degradation.T)
        {
            throw new ArgumentOutOfRangeException(nameof(s), $"{Name}: the step must be in 1 … {Degradation.T}, got {s}");
        }
        if (!x0Hat.shape.AsSpan().SequenceEqual(xs.shape))
        {
            throw new ArgumentException($"{Name}: x̂_0 {Shapes.Format(x0Hat)} and x_s {Shapes.Format(xs)} must have the same shape", nameof(x0Hat));
        }
        using var scope = NewDisposeScope();
        return StepChecked(x0Hat, s, xs).MoveToOuterDisposeScope();
    }

    /// <summary>The step for checked inputs.</summary>
    protected abstract Tensor StepChecked(Tensor x0Hat, int s, Tensor xs);

    /// <summary>
    /// Runs the sampler from x_T (<paramref name="xT"/>, at severity <paramref name="from"/>, T by default; not disposed) down to
    /// x_0 on <see cref="SamplingLoop"/>: at each s, x̂_0 = R(x_s, s) without gradients, then <see cref="Step"/>. The observer sees
    /// each step with <see cref="SamplingStep.Timestep"/> = s, the sample x_{s−1} and x̂_0 = R(x_s, s).
    /// </summary>
    public Tensor Sample(Restorer restorer, Tensor xT, int? from = null, Action<SamplingStep>? observer = null, bool showProgress = false,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(restorer);
        ArgumentNullException.ThrowIfNull(xT);
        int start = from ?? Degradation.T;
        if (start < 0 || start > Degradation.T)
        {
            throw new ArgumentOutOfRangeException(nameof(from), $"{Name}: the start severity must be in 0 … {Degradation.T}, got {start}");
        }
        return SamplingLoop.Run(xT.alias(), start, Name, (i, x) =>
        {
            int s = start - i;
            var severities = full([x.shape[0]], (float)s, dtype: ScalarType.Float32, device: x.device);
            var x0Hat = restorer(x, severities);
            return new LoopStep(Step(x0Hat, s, x), x0Hat, s);
        }, new SamplingHooks(observer, showProgress, cancellation), ownsStart: true);
    }
}

/// <summary>
/// Algorithm 1 of Bansal et al. (2022), "naive sampling": x_{s−1} = D(R(x_s, s), s − 1) = D(x̂_0, s − 1). With an imperfect
/// restorer the error of x̂_0 enters x_{s−1} directly at every step.
/// </summary>
public sealed class ColdAlgorithm1(Degradation degradation) : ColdSampler(degradation)
{
    /// <inheritdoc/>
    public override string Name => "algorithm-1";

    /// <inheritdoc/>
    protected override Tensor StepChecked(Tensor x0Hat, int s, Tensor xs) => Degradation.Apply(x0Hat, s - 1);
}

/// <summary>
/// Algorithm 2 of Bansal et al. (2022), "improved sampling": x_{s−1} = x_s − D(x̂_0, s) + D(x̂_0, s − 1). For a linear D with
/// D(x, s) = D_s x and x_s = D_s x_0, any x̂_0 = x_0 + e gives x_{s−1} = D_{s−1} x_0 + (D_{s−1} − D_s) e: exact when the
/// restorer is exact (e = 0), and only the change of D between levels sees the error.
/// </summary>
public sealed class ColdAlgorithm2(Degradation degradation) : ColdSampler(degradation)
{
    /// <inheritdoc/>
    public override string Name => "algorithm-2";

    /// <inheritdoc/>
    protected override Tensor StepChecked(Tensor x0Hat, int s, Tensor xs) => xs - Degradation.Apply(x0Hat, s) + Degradation.Apply(x0Hat, s - 1);
}
