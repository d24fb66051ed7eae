namespace Diffusion.Hosting;

/// <summary>
/// A claim a notebook checks (<see cref="Check"/>) does not hold: the message names the claim and the numbers, e.g.
/// <c>✗ PC's background is mostly black: 0.4 &lt; 0.5</c>. It stops the notebook run, as a failing test stops a suite.
/// </summary>
public sealed class CheckFailedException : Exception
{
    /// <summary>A failed check described by <paramref name="message"/>.</summary>
    public CheckFailedException(string message) : base(message)
    {
    }

    /// <summary>A failed check with no description.</summary>
    public CheckFailedException() : base("a course check failed")
    {
    }

    /// <summary>A failed check caused by <paramref name="inner"/>.</summary>
    public CheckFailedException(string message, Exception inner) : base(message, inner)
    {
    }
}
