using System.Reflection;
using TorchSharp;

namespace Diffusion.Engine;

/// <summary>
/// The course's entry to TorchSharp: loads the native engine with a clear error when it cannot, sets the thread count,
/// picks the device and says which engine runs. Call <see cref="Initialize"/> first in a notebook or a command.
/// </summary>
public static class TorchEngine
{
    /// <summary>The variable that forces the device: <c>cpu</c> or <c>cuda</c> (default: CUDA when available).</summary>
    public const string DeviceVariable = "DIFFUSION_DEVICE";

    /// <summary>
    /// Loads the engine (see <see cref="EngineLoadException"/> for what can fail) and, when <paramref name="threads"/> is
    /// given, sets LibTorch's intra-op thread count (OpenMP's too). Safe to call again; returns <see cref="Describe"/>.
    /// </summary>
    public static string Initialize(int? threads = null)
    {
        NativeAllocator.Configure();
        NativeEngine.EnsureLoaded();
        if (threads is int n)
        {
            Threads = n;
        }
        return Describe();
    }

    /// <summary>LibTorch's intra-op thread count (at least 1).</summary>
    public static int Threads
    {
        get
        {
            NativeEngine.EnsureLoaded();
            return torch.get_num_threads();
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            NativeEngine.EnsureLoaded();
            torch.set_num_threads(value);
        }
    }

    /// <summary>The device the course computes on: <c>DIFFUSION_DEVICE</c> when set, else CUDA when LibTorch sees a GPU, else the CPU.</summary>
    public static torch.Device Device
    {
        get
        {
            NativeEngine.EnsureLoaded();
            string? forced = Environment.GetEnvironmentVariable(DeviceVariable);
            if (!string.IsNullOrWhiteSpace(forced))
            {
                if (string.Equals(forced, "cuda", StringComparison.OrdinalIgnoreCase) && !torch.cuda.is_available())
                {
                    throw new InvalidOperationException($"{DeviceVariable}=cuda but LibTorch sees no GPU: build with -p:TorchSharpPackage=TorchSharp-cuda-linux on a machine with a CUDA driver, or unset {DeviceVariable}.");
                }
                return new torch.Device(forced.Trim().ToLowerInvariant());
            }
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }
    }

    /// <summary>The TorchSharp package version, e.g. <c>0.107.0</c>.</summary>
    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "?";

    /// <summary>
    /// What the build's lifetime step did to the TorchSharp.dll this process loaded (its
    /// <c>AssemblyMetadata("Diffusion.TorchSharpLifetimes", ...)</c>, e.g. "1001 methods keep their tensors and scalars
    /// alive across native calls"), or null when the process runs the stock assembly: then a garbage collection on another
    /// thread can free the temporary Scalar of <c>x / 3.0</c>, or the temporary tensor of <c>x.neg().mul(y)</c>, while
    /// LibTorch reads it (Directory.Build.targets, environment/build/TorchSharpLifetimes.cs).
    /// </summary>
    public static string? LifetimePatch =>
        typeof(torch).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Diffusion.TorchSharpLifetimes")?.Value;

    /// <summary>The LibTorch version TorchSharp binds, e.g. <c>2.10.0</c>.</summary>
    public static string LibTorchVersion => torch.__version__.EndsWith(".0", StringComparison.Ordinal) && torch.__version__.Count(c => c == '.') == 3
        ? torch.__version__[..^2]
        : torch.__version__;

    /// <summary>
    /// Gives the memory that freed tensors left in the allocator back to the operating system (glibc's <c>malloc_trim</c>):
    /// the engine keeps it for reuse, which makes loops fast, so call this after a large computation whose memory a long-lived
    /// process (a notebook kernel) should not keep. Returns the resident set in MB afterwards.
    /// </summary>
    public static double ReleaseFreeMemory()
    {
        NativeAllocator.ReleaseFreeMemory();
        return ProcessMemory.RssMb();
    }

    /// <summary>One line for a notebook's first cell and a model card: engine, versions, device and threads.</summary>
    public static string Describe() => $"TorchSharp {TorchSharpVersion} (LibTorch {LibTorchVersion}), {Device.type.ToString().ToLowerInvariant()}, {Threads} threads";
}
