namespace Diffusion.Training;

/// <summary>How a <see cref="Trainer.Train"/> ended.</summary>
/// <param name="StartStep">The step the session started at (non-zero after a resume).</param>
/// <param name="Step">The step reached (the total when the run completed).</param>
/// <param name="Cancelled">True when a cancel stopped the loop early (a resumable checkpoint was written when there is an output folder).</param>
/// <param name="SessionSeconds">Seconds this session trained.</param>
/// <param name="WallTimeSeconds">Seconds of training over all sessions.</param>
/// <param name="FinalLoss">The mean loss of the last steps (null before any step).</param>
/// <param name="CheckpointPath">The checkpoint written last, or null when nothing was written.</param>
public sealed record TrainingResult(long StartStep, long Step, bool Cancelled, double SessionSeconds, double WallTimeSeconds, double? FinalLoss, string? CheckpointPath)
{
    /// <summary>Steps per second in this session.</summary>
    public double StepsPerSecond => SessionSeconds > 0 ? (Step - StartStep) / SessionSeconds : 0;
}
