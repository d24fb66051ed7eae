namespace Diffusion.Sampling;

/// <summary>
/// What a caller asks of a sampling loop besides the samples: an observer of every step, a progress display, a cancellation
/// token. Every sampler's <c>Sample</c> takes the three as its last parameters (<c>observer</c>, <c>showProgress</c>,
/// <c>cancellation</c>) and hands them to <see cref="SamplingLoop"/>.
/// </summary>
/// <param name="Observer">Called after every step (see <see cref="SamplingStep"/>).</param>
/// <param name="ShowProgress">Draws a progress bar (a console line, or a notebook output) through the host.</param>
/// <param name="Cancellation">Stops the loop with <see cref="OperationCanceledException"/> (as does a notebook interrupt).</param>
public sealed record SamplingHooks(Action<SamplingStep>? Observer = null, bool ShowProgress = false, CancellationToken Cancellation = default)
{
    /// <summary>No observer, no progress, no token of its own (the host's interrupt still stops the loop).</summary>
    public static SamplingHooks None { get; } = new();
}
