using System.Reflection;
using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>
/// Finds and loads <c>libdiffusion_torch.so</c> beside this assembly (so it works from tests, tools and
/// notebooks that <c>#r</c> the dll), and checks the ABI handshake once: the shim's version must be the one
/// this assembly was written for. Failures say how to fix them.
/// </summary>
internal static class NativeLoader
{
    /// <summary>The shim version this assembly's P/Invoke declarations match (see <c>kShimVersion</c>).</summary>
    internal const int ExpectedShimVersion = 1;

    private const string InstallHint =
        "Install libtorch with 'sudo apt-get install libtorch-dev' (or run environment/setup.sh) and rebuild; " +
        "for another libtorch (an official download, a CUDA build) set LIBTORCH=/path/to/libtorch before building " +
        "and make its lib folder visible to the loader (LD_LIBRARY_PATH).";

    /// <summary>Installs the resolver; called once by <see cref="NativeMethods"/>' static constructor.</summary>
    internal static void Register()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.LibraryName)
        {
            return IntPtr.Zero;
        }

        var candidates = new List<string>();
        string? here = Path.GetDirectoryName(assembly.Location);
        if (!string.IsNullOrEmpty(here))
        {
            candidates.Add(Path.Combine(here, "libdiffusion_torch.so"));
        }
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "libdiffusion_torch.so"));

        var errors = new List<string>();
        foreach (string path in candidates.Distinct())
        {
            if (!File.Exists(path))
            {
                errors.Add($"{path}: not found");
                continue;
            }
            try
            {
                IntPtr lib = NativeLibrary.Load(path);
                CheckHandshake(lib, path);
                return lib;
            }
            catch (DllNotFoundException e)
            {
                errors.Add($"{path}: {e.Message}");
            }
        }

        throw new DllNotFoundException(
            "Could not load the libtorch shim libdiffusion_torch.so (" + string.Join("; ", errors) + "). " +
            "It is built with the library by 'dotnet build'; if the message names libtorch.so or libc10.so, libtorch is missing. " +
            InstallHint);
    }

    private static unsafe void CheckHandshake(IntPtr lib, string path)
    {
        var version = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, "dt_shim_version");
        var torchVersion = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(lib, "dt_torch_version");
        int shim = version();
        string torch = Marshal.PtrToStringUTF8(torchVersion()) ?? "?";
        if (shim != ExpectedShimVersion)
        {
            throw new DllNotFoundException(
                $"{path} is shim version {shim} but Diffusion.Lib expects {ExpectedShimVersion}: the native library is stale. " +
                "Rebuild with 'dotnet build' (delete obj/native if it persists).");
        }
        if (!torch.StartsWith("1.", StringComparison.Ordinal) && !torch.StartsWith("2.", StringComparison.Ordinal))
        {
            throw new DllNotFoundException($"{path} was built against libtorch '{torch}', which this binding does not know. " + InstallHint);
        }
        LibTorchVersion = torch;
    }

    /// <summary>The libtorch version the shim was compiled against (set once the shim has loaded).</summary>
    internal static string LibTorchVersion { get; private set; } = "";
}
