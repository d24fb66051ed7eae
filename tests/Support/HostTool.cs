using Diffusion.Data;

namespace Diffusion.Tests.Support;

/// <summary>
/// Tests that need a tool of the host (Chromium, nbconvert, Fashion-MNIST's files, the restored .NET Interactive) skip with the
/// reason when it is missing, so a student's machine without the developers' extras runs the rest; under <c>CI=true</c> they
/// fail instead, so CI cannot hide a missing install (use <c>[SkippableFact]</c> / <c>[SkippableTheory]</c>).
/// </summary>
internal static class HostTool
{
    /// <summary>True under CI (the environment variable CI is "true").</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips the test (fails it under CI) unless <paramref name="available"/>; <paramref name="reason"/> says what is missing and how to get it.</summary>
    public static void Require([System.Diagnostics.CodeAnalysis.DoesNotReturnIf(false)] bool available, string reason)
    {
        if (available)
        {
            return;
        }
        Assert.False(InCi, reason + " (CI=true: a missing install fails the test)");
        throw new SkipException(reason);
    }

    /// <summary>Fashion-MNIST's IDX files are where <see cref="FashionMnist.Load"/> looks.</summary>
    public static void RequireFashionMnist()
    {
        string folder = FashionMnist.Folder();
        bool found = File.Exists(Path.Combine(folder, "t10k-images-idx3-ubyte.gz")) || File.Exists(Path.Combine(folder, "t10k-images-idx3-ubyte"));
        Require(found, $"Fashion-MNIST is not in {folder}: {FashionMnist.HowToGet}");
    }
}
