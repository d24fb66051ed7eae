using System.Runtime.InteropServices;
using TorchSharp;

namespace Diffusion.Engine;

/// <summary>
/// Loads TorchSharp's native libraries (LibTorch 2.10 and <c>libLibTorchSharp</c>) from the folder beside
/// <c>TorchSharp.dll</c> before TorchSharp looks for them itself, and explains a failure.
/// </summary>
/// <remarks>
/// Two things can go wrong on Linux, and both are handled here, in one place:
/// <list type="bullet">
/// <item>A second libtorch on the machine (Debian's <c>libtorch-dev</c> 1.13) is found first when a library is opened by
/// bare name from a process whose own dependency list does not name TorchSharp's (a Jupyter kernel that loads the course
/// with <c>#r</c>). Opening ours by full path first makes every later bare-name open resolve to it (the loader matches
/// the soname of a library already loaded).</item>
/// <item>Debian 12's libstdc++ lacks GLIBCXX_3.4.32, which TorchSharp's library asks for; the build step in
/// <c>Directory.Build.targets</c> marks that need weak in the build output. An unpatched copy fails with an error
/// that says so.</item>
/// </list>
/// Elsewhere (Windows, macOS) TorchSharp's own loading is used unchanged.
/// </remarks>
internal static class NativeEngine
{
    private static readonly Lock Gate = new();
    private static bool s_loaded;

    /// <summary>The folder that holds TorchSharp's native libraries for this process (null where none is found).</summary>
    public static string? NativeFolder()
    {
        string managed = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
        string rid = OperatingSystem.IsWindows() ? "win-x64" : OperatingSystem.IsMacOS() ? "osx-arm64" : "linux-x64";
        foreach (var folder in new[] { Path.Combine(managed, "runtimes", rid, "native"), managed })
        {
            if (File.Exists(Path.Combine(folder, LibraryFile("LibTorchSharp"))))
            {
                return folder;
            }
        }
        return null;
    }

    /// <summary>Loads the native libraries once per process; throws <see cref="EngineLoadException"/> with the cause and the fix.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (s_loaded)
            {
                return;
            }
            if (OperatingSystem.IsLinux())
            {
                PreloadLinux();
            }
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException)
            {
                throw new EngineLoadException(Explain(Innermost(e).Message, NativeFolder()), e);
            }
            s_loaded = true;
        }
    }

    private static void PreloadLinux()
    {
        string? folder = NativeFolder();
        if (folder is null)
        {
            throw new EngineLoadException(
                $"TorchSharp's native libraries were not found beside {typeof(torch).Assembly.Location} (looked in runtimes/linux-x64/native/ and the folder itself). " +
                "Build the course first: 'bash environment/setup.sh' or 'dotnet build Diffusion.slnx -c Release' (restores the TorchSharp-cpu package), " +
                "and reference bin/Release/net10.0/Diffusion.Lib.dll from that build.");
        }
        // CUDA builds carry libtorch_cuda.so; load it first when present so that libLibTorchSharp binds to it.
        foreach (var name in new[] { "torch_cpu", "torch_cuda", "torch", "LibTorchSharp" })
        {
            string path = Path.Combine(folder, LibraryFile(name));
            if (!File.Exists(path))
            {
                continue;
            }
            try
            {
                NativeLibrary.Load(path);
            }
            catch (DllNotFoundException e)
            {
                throw new EngineLoadException(Explain(e.Message, folder), e);
            }
        }
        string? foreign = ForeignLibTorch(folder);
        if (foreign is not null)
        {
            throw new EngineLoadException(
                $"A second libtorch ({foreign}) is loaded in this process beside TorchSharp's LibTorch 2.10 from {folder}; the two cannot share a process. " +
                "It was loaded before the course library (by another package, or by a cell that used TorchSharp before Engine.Initialize()). " +
                "Restart the kernel and call Engine.Initialize() first; or remove the other libtorch (Debian: 'apt-get remove libtorch-dev libtorch1.13').");
        }
    }

    /// <summary>
    /// The address of the first of <paramref name="symbols"/> that the engine's native library <paramref name="library"/>
    /// (e.g. <c>torch_cpu</c>) exports, for the few LibTorch functions TorchSharp does not wrap; null when none is found.
    /// Loads the engine first; the library is the one loaded from <see cref="NativeFolder"/>.
    /// </summary>
    internal static IntPtr? Export(string library, params string[] symbols)
    {
        EnsureLoaded();
        string? folder = NativeFolder();
        if (folder is null || !NativeLibrary.TryLoad(Path.Combine(folder, LibraryFile(library)), out IntPtr handle))
        {
            return null;
        }
        foreach (var symbol in symbols)
        {
            if (NativeLibrary.TryGetExport(handle, symbol, out IntPtr address))
            {
                return address;
            }
        }
        return null;
    }

    /// <summary>Any libtorch_cpu mapped into this process from outside <paramref name="folder"/>, or null.</summary>
    internal static string? ForeignLibTorch(string folder)
    {
        foreach (var path in MappedLibraries())
        {
            string file = Path.GetFileName(path);
            if (file.StartsWith("libtorch_cpu.so", StringComparison.Ordinal) && !string.Equals(Path.GetDirectoryName(path), folder.TrimEnd('/'), StringComparison.Ordinal))
            {
                return path;
            }
        }
        return null;
    }

    /// <summary>The shared libraries mapped into this process (Linux; empty elsewhere).</summary>
    internal static IEnumerable<string> MappedLibraries()
    {
        if (!File.Exists("/proc/self/maps"))
        {
            return [];
        }
        return File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is int at and >= 0 ? line[at..] : null)
            .Where(path => path is not null && path.Contains(".so", StringComparison.Ordinal))
            .Select(path => path!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    internal static string Explain(string cause, string? folder)
    {
        string where = folder is null ? "" : $" (from {folder})";
        if (cause.Contains("GLIBCXX_3.4.32", StringComparison.Ordinal))
        {
            return $"TorchSharp's native library{where} cannot load: it asks for GLIBCXX_3.4.32, which this system's libstdc++ lacks (Debian 12 ends at 3.4.30). " +
                "The course's build marks that need weak in its own build output (Directory.Build.targets, environment/build/ElfVersionNeeds.cs): " +
                "rebuild with 'dotnet build Diffusion.slnx -c Release' and load bin/Release/net10.0/Diffusion.Lib.dll from that build, " +
                "or install a libstdc++ from GCC 13 or newer. Loader message: " + cause;
        }
        return $"TorchSharp's native library{where} cannot load: {cause}. " +
            "Run 'bash environment/setup.sh' (it restores TorchSharp-cpu and builds the course); on a GPU machine build with -p:TorchSharpPackage=TorchSharp-cuda-linux.";
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e;
    }

    private static string LibraryFile(string name) =>
        OperatingSystem.IsWindows() ? name + ".dll" : OperatingSystem.IsMacOS() ? "lib" + name + ".dylib" : "lib" + name + ".so";
}

/// <summary>TorchSharp's native engine could not be loaded; the message says why and what to do.</summary>
public sealed class EngineLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineLoadException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
