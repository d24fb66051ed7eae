namespace Diffusion.Training;

/// <summary>What a checkpoint says about its run, besides the tensors (read from its <c>__metadata__</c>).</summary>
/// <param name="Path">The checkpoint file.</param>
/// <param name="Step">Optimizer steps taken when it was written.</param>
/// <param name="WallTimeSeconds">Seconds of training so far, summed over sessions.</param>
/// <param name="ConfigJson">The run's configuration as JSON (name, architecture config, trainer options), or null.</param>
/// <param name="FinalLoss">The mean loss of the last steps, or null before the first step.</param>
public sealed record CheckpointInfo(string Path, long Step, double WallTimeSeconds, string? ConfigJson, double? FinalLoss);
