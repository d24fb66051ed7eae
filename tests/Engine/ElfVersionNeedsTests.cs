using Diffusion.Build;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Engine;

/// <summary>The Debian 12 compatibility step (environment/build/ElfVersionNeeds.cs) on TorchSharp's real native library.</summary>
public class ElfVersionNeedsTests
{
    private const string Glibcxx = "GLIBCXX_3.4.32";

    /// <summary>TorchSharp's libLibTorchSharp.so as restored into the NuGet cache (never modified by the build).</summary>
    private static string Original()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"TorchSharp 0.107.0 is not restored at {path}: run environment/setup.sh");
        return path;
    }

    /// <summary>The copy in this test assembly's build output, which the build step may have patched.</summary>
    private static string BuildCopy() => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void Read_FindsTheGlibcxxNeedsOfTheOriginal()
    {
        var needs = ElfVersionNeeds.Read(File.ReadAllBytes(Original()));
        var need = Assert.Single(needs, n => n.Version == Glibcxx);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        Assert.Contains(needs, n => n.File == "libc.so.6" && n.Version == "GLIBC_2.2.5");
        Assert.All(needs, n => Assert.False(n.IsWeak));
    }

    [Fact]
    public void MarkWeak_ChangesThatFlagAlone()
    {
        byte[] original = File.ReadAllBytes(Original());
        byte[] patched = (byte[])original.Clone();
        Assert.True(ElfVersionNeeds.MarkWeak(patched, Glibcxx));
        Assert.False(ElfVersionNeeds.MarkWeak(patched, Glibcxx));   // idempotent
        int flags = ElfVersionNeeds.Read(original).Single(n => n.Version == Glibcxx).FlagsOffset;
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Equal([flags], differing);
        Assert.Equal(original[flags] | ElfVersionNeeds.VerFlgWeak, patched[flags]);
        var after = ElfVersionNeeds.Read(patched);
        Assert.True(after.Single(n => n.Version == Glibcxx).IsWeak);
        Assert.Equal(ElfVersionNeeds.Read(original).Count(n => !n.IsWeak) - 1, after.Count(n => !n.IsWeak));
    }

    [Fact]
    public void BuildOutput_IsPatchedExactlyWhenTheHostLacksTheVersion()
    {
        string? host = ElfVersionNeeds.FindHostLibStdCxx();
        Assert.NotNull(host);
        bool hostHasIt = ElfVersionNeeds.Defines(File.ReadAllBytes(host!), Glibcxx);
        byte[] original = File.ReadAllBytes(Original());
        byte[] copy = File.ReadAllBytes(BuildCopy());
        byte[] expected = (byte[])original.Clone();
        if (!hostHasIt)
        {
            ElfVersionNeeds.MarkWeak(expected, Glibcxx);
        }
        Assert.True(expected.AsSpan().SequenceEqual(copy),
            $"the build output's libLibTorchSharp.so should {(hostHasIt ? "equal the original" : "differ from the original in the GLIBCXX_3.4.32 flag alone")} ({host})");
        // The NuGet cache keeps the original: the build step never writes through a hard link.
        Assert.False(ElfVersionNeeds.Read(original).Single(n => n.Version == Glibcxx).IsWeak);
    }

    [Fact]
    public void Defines_FindsAVersionNameOnlyAsAWholeString()
    {
        byte[] lib = "\0GLIBCXX_3.4.30\0GLIBCXX_3.4.3\0"u8.ToArray();
        Assert.True(ElfVersionNeeds.Defines(lib, "GLIBCXX_3.4.30"));
        Assert.True(ElfVersionNeeds.Defines(lib, "GLIBCXX_3.4.3"));
        Assert.False(ElfVersionNeeds.Defines(lib, "GLIBCXX_3.4.32"));
        Assert.False(ElfVersionNeeds.Defines(lib, "CXX_3.4.30"));
    }

    [Fact]
    public void Read_RejectsWhatIsNotElf()
    {
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(new byte[100]));
        Assert.Contains("not an ELF file", e.Message);
        byte[] truncated = File.ReadAllBytes(Original())[..4096];
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(truncated));
    }
}
