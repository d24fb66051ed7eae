namespace Diffusion.Training;

public static partial class TrainingConfigs
{
    /// <summary>The score-SDE configurations of notebook 04 (NCSN++ on MNIST, FFHQ-256, LSUN church 48).</summary>
    private static IEnumerable<TrainingConfig> SdeConfigs() => [];
}
