using System.Globalization;

namespace Diffusion.Hosting;

/// <summary>
/// The course's checks, one readable line each: a check prints what it verified and the numbers behind it, and throws
/// <see cref="CheckFailedException"/> (which stops the notebook run) when the claim does not hold.
/// <code>
/// Check.Below(worst, 1e-6, "posterior mean and variance match brute-force integration");
/// // ✓ posterior mean and variance match brute-force integration: 3.21e-09 &lt; 1e-06
/// </code>
/// </summary>
/// <remarks>
/// A check compares against an independent quantity (a closed form, a brute-force sum, a real-data baseline), never the same
/// computation twice. NaN never passes. Each method returns the value it checked, so a cell can keep it.
/// </remarks>
public static class Check
{
    /// <summary>The claim holds when <paramref name="holds"/> is true; <paramref name="evidence"/> says why (printed beside it).</summary>
    /// <exception cref="CheckFailedException">The claim does not hold.</exception>
    public static void That(bool holds, string claim, string? evidence = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(claim);
        Report(holds, claim, evidence);
    }

    /// <summary>Checks <paramref name="value"/> &lt; <paramref name="bound"/>.</summary>
    /// <exception cref="CheckFailedException">It is not.</exception>
    public static double Below(double value, double bound, string claim)
    {
        Report(value < bound, claim, $"{Format(value)} < {Format(bound)}");
        return value;
    }

    /// <summary>Checks <paramref name="value"/> &gt; <paramref name="bound"/>.</summary>
    /// <exception cref="CheckFailedException">It is not.</exception>
    public static double Above(double value, double bound, string claim)
    {
        Report(value > bound, claim, $"{Format(value)} > {Format(bound)}");
        return value;
    }

    /// <summary>Checks <paramref name="low"/> &lt; <paramref name="value"/> &lt; <paramref name="high"/>.</summary>
    /// <exception cref="CheckFailedException">It is not.</exception>
    public static double Between(double value, double low, double high, string claim)
    {
        Report(low < value && value < high, claim, $"{Format(low)} < {Format(value)} < {Format(high)}");
        return value;
    }

    /// <summary>Checks |<paramref name="value"/> − <paramref name="expected"/>| ≤ <paramref name="tolerance"/>.</summary>
    /// <exception cref="CheckFailedException">It is not.</exception>
    public static double Near(double value, double expected, double tolerance, string claim)
    {
        if (!(tolerance >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "a tolerance is a non-negative number");
        }
        double gap = Math.Abs(value - expected);
        Report(gap <= tolerance, claim, $"{Format(value)} vs {Format(expected)}, |difference| {Format(gap)} ≤ {Format(tolerance)}");
        return value;
    }

    /// <summary>Checks <paramref name="smaller"/> &lt; <paramref name="larger"/>, naming both (e.g. "DDIM", "DDPM").</summary>
    /// <exception cref="CheckFailedException">It is not.</exception>
    public static void Less(double smaller, string smallerName, double larger, string largerName, string claim)
    {
        Report(smaller < larger, claim, $"{smallerName} {Format(smaller)} < {largerName} {Format(larger)}");
    }

    /// <summary>A number as the checks print it: four significant digits, invariant culture.</summary>
    public static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static void Report(bool holds, string claim, string? evidence)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(claim);
        string line = evidence is null ? claim : $"{claim}: {evidence}";
        if (!holds)
        {
            throw new CheckFailedException($"✗ {line}");
        }
        Console.WriteLine($"✓ {line}");
    }
}
