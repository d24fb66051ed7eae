namespace Diffusion.Training;

/// <summary>The course's named training configurations (the <c>--config</c> of the training command).</summary>
public static class TrainingConfigs
{
    private static readonly Lazy<IReadOnlyList<TrainingConfig>> s_all = new(() => new List<TrainingConfig>());

    /// <summary>Every named configuration.</summary>
    public static IReadOnlyList<TrainingConfig> All => s_all.Value;

    /// <summary>The names, in order.</summary>
    public static IEnumerable<string> Names => All.Select(c => c.Name);

    /// <summary>The configuration called <paramref name="name"/>; throws listing the known names otherwise.</summary>
    public static TrainingConfig Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"unknown training config '{name}'; known: {string.Join(", ", Names)}", nameof(name));
    }
}
