namespace Diffusion.Cli.Setup;

/// <summary>The .NET builds that set-up makes: the library and the course kernel, in Release (the notebooks load that build).</summary>
internal static class Build
{
    /// <summary>The library's Release build, which the notebooks reference.</summary>
    public const string LibraryDll = "bin/Release/net10.0/Diffusion.Lib.dll";

    /// <summary>The course kernel's Release build, which its kernelspec runs.</summary>
    public const string KernelDll = "environment/kernel/bin/Release/net10.0/Diffusion.Kernel.dll";

    /// <summary>
    /// Builds <paramref name="project"/> in Release; returns the lines worth showing (the Debian 12 step's note, once). NuGet
    /// restores what is missing on the way.
    /// </summary>
    /// <exception cref="InvalidOperationException">The build failed; the message carries its errors.</exception>
    /// <param name="project">The project file, relative to the root.</param>
    /// <param name="torchSharpPackage">The engine package (e.g. TorchSharp-cuda-linux), or null for the default (TorchSharp-cpu).</param>
    public static IReadOnlyList<string> Project(string project, string? torchSharpPackage = null)
    {
        string[] arguments = ["build", project, "-c", "Release", "-nologo", "-v", "q", .. torchSharpPackage is null ? Array.Empty<string>() : [$"-p:TorchSharpPackage={torchSharpPackage}"]];
        var result = ProcessRunner.Run(KernelSpecs.Dotnet(), arguments, Repository.Root, TimeSpan.FromMinutes(60));
        if (!result.Succeeded)
        {
            var errors = result.Output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(20);
            throw new InvalidOperationException($"building {project} failed:\n{string.Join('\n', errors)}\n{result.Error.Trim()}".TrimEnd());
        }
        return result.Output.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains("TorchSharp on this host", StringComparison.Ordinal))
            .Select(l => l[l.IndexOf("TorchSharp on this host", StringComparison.Ordinal)..])
            .Take(1)
            .ToList();
    }
}
