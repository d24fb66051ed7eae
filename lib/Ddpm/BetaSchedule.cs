namespace Diffusion.Ddpm;

/// <summary>The shape of the variance schedule β_1 … β_T of the forward process.</summary>
public enum BetaSchedule
{
    /// <summary>β_t linear from β_1 to β_T (Ho et al. 2020: 1e-4 to 0.02 over T = 1000).</summary>
    Linear,

    /// <summary>ᾱ_t = f(t)/f(0), f(t) = cos²(((t/T) + s)/(1 + s) · π/2), β_t = min(1 − ᾱ_t/ᾱ_{t−1}, 0.999) (Nichol and Dhariwal 2021, s = 0.008).</summary>
    Cosine,

    /// <summary>√β_t linear from √β_1 to √β_T ("scaled linear").</summary>
    Quadratic,
}

/// <summary>Generates β_1 … β_T for each <see cref="BetaSchedule"/>, in float64.</summary>
public static class BetaSchedules
{
    /// <summary>β_t = β_1 + (t − 1)(β_T − β_1)/(T − 1).</summary>
    public static double[] Linear(int steps, double betaStart = 1e-4, double betaEnd = 0.02)
    {
        CheckSteps(steps);
        var betas = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            betas[i] = steps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * i / (steps - 1);
        }
        return betas;
    }

    /// <summary>β_t = (√β_1 + (t − 1)(√β_T − √β_1)/(T − 1))².</summary>
    public static double[] Quadratic(int steps, double betaStart = 1e-4, double betaEnd = 0.02)
    {
        var roots = Linear(steps, Math.Sqrt(betaStart), Math.Sqrt(betaEnd));
        return roots.Select(r => r * r).ToArray();
    }

    /// <summary>
    /// β_t = min(1 − ᾱ(t)/ᾱ(t − 1), <paramref name="maxBeta"/>) with ᾱ(t) = cos²(((t/T) + s)/(1 + s) · π/2).
    /// </summary>
    public static double[] Cosine(int steps, double s = 0.008, double maxBeta = 0.999)
    {
        CheckSteps(steps);
        double F(double t) => Math.Pow(Math.Cos((t / steps + s) / (1 + s) * Math.PI / 2), 2);
        var betas = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            betas[i] = Math.Min(1 - F(i + 1) / F(i), maxBeta);
        }
        return betas;
    }

    /// <summary>The betas of <paramref name="schedule"/> with its usual defaults.</summary>
    public static double[] For(BetaSchedule schedule, int steps) => schedule switch
    {
        BetaSchedule.Linear => Linear(steps),
        BetaSchedule.Cosine => Cosine(steps),
        BetaSchedule.Quadratic => Quadratic(steps),
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "unknown beta schedule"),
    };

    private static void CheckSteps(int steps)
    {
        if (steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "a schedule needs at least one step");
        }
    }
}
