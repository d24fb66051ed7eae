namespace Diffusion.Training;

public static partial class TrainingConfigs
{
    /// <summary>The cold-diffusion restoration configurations of notebook 06.</summary>
    private static IEnumerable<TrainingConfig> ColdConfigs() => [];
}
