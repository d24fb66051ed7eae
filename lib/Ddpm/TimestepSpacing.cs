namespace Diffusion.Ddpm;

/// <summary>How a sampler picks S of the T training timesteps (0-based) when it runs fewer steps (<c>SetTimesteps(S)</c>).</summary>
/// <remarks>For S = T every spacing gives T − 1, …, 0. Timesteps are always run from the largest down.</remarks>
public enum TimestepSpacing
{
    /// <summary>t_i = i · ⌊T / S⌋ for i = 0 … S − 1 (the DDIM paper's "uniform" skip; T = 1000, S = 50: 980, 960, …, 20, 0).</summary>
    Leading,

    /// <summary>t_i = round(T − i T / S) − 1 for i = 0 … S − 1 (starts at T − 1; T = 1000, S = 50: 999, 979, …, 39, 19).</summary>
    Trailing,

    /// <summary>t_i = round(i (T − 1) / (S − 1)) (both ends; T = 1000, S = 50: 999, 979, …, 20, 0), rounding half to even.</summary>
    Linspace,
}

/// <summary>Computes timestep sequences for a <see cref="TimestepSpacing"/>.</summary>
public static class TimestepSpacings
{
    /// <summary>The <paramref name="count"/> timesteps of <paramref name="spacing"/> over T = <paramref name="trainSteps"/>, largest first.</summary>
    public static int[] Compute(TimestepSpacing spacing, int trainSteps, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainSteps);
        if (count < 1 || count > trainSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"the number of sampling steps must be in 1 … T = {trainSteps}");
        }
        var steps = new int[count];
        for (int i = 0; i < count; i++)
        {
            steps[i] = spacing switch
            {
                TimestepSpacing.Leading => i * (trainSteps / count),
                TimestepSpacing.Trailing => (int)Math.Round(trainSteps - (count - 1 - i) * (double)trainSteps / count, MidpointRounding.ToEven) - 1,
                TimestepSpacing.Linspace => count == 1 ? trainSteps - 1 : (int)Math.Round(i * (trainSteps - 1.0) / (count - 1), MidpointRounding.ToEven),
                _ => throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "unknown timestep spacing"),
            };
        }
        Array.Reverse(steps);
        return steps;
    }
}
