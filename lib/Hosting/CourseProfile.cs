namespace Diffusion.Hosting;

/// <summary>
/// Which profile the course runs in, from the environment variable <c>DIFFUSION_PROFILE</c>: <c>fast</c> keeps every
/// notebook to a few minutes on a 2-core CPU (CI uses it); anything else (the default, <c>full</c>) gives the real results.
/// Notebooks pick their sizes with <see cref="Pick{T}"/>.
/// </summary>
public static class CourseProfile
{
    /// <summary>The variable that selects the profile.</summary>
    public const string Variable = "DIFFUSION_PROFILE";

    /// <summary>True in the fast profile.</summary>
    public static bool IsFast =>
        string.Equals(Environment.GetEnvironmentVariable(Variable), "fast", StringComparison.OrdinalIgnoreCase);

    /// <summary>The profile's name: <c>fast</c> or <c>full</c>.</summary>
    public static string Name => IsFast ? "fast" : "full";

    /// <summary>Returns <paramref name="fast"/> in the fast profile and <paramref name="full"/> otherwise.</summary>
    public static T Pick<T>(T fast, T full) => IsFast ? fast : full;
}
