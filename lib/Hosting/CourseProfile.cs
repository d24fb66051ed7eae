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

    /// <summary>The variable that overrides a notebook's libtorch thread count.</summary>
    public const string ThreadsVariable = "DIFFUSION_THREADS";

    /// <summary>
    /// The thread count a notebook should give libtorch: <c>DIFFUSION_THREADS</c> when it is set to a positive integer,
    /// else <paramref name="preferred"/>. Set it to 1 on a machine that is busy with other work: libtorch's OpenMP threads
    /// wait for one another at every op, so two threads sharing two busy cores can run ten times slower than one.
    /// </summary>
    public static int Threads(int preferred)
    {
        var text = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return preferred;
        }
        if (!int.TryParse(text, out int threads) || threads < 1)
        {
            throw new ArgumentException($"{ThreadsVariable}='{text}' is not a positive integer; set it to a thread count such as 1 or 2, or unset it");
        }
        return threads;
    }
}
