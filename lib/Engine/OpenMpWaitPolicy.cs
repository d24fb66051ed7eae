using System.Runtime.InteropServices;

namespace Diffusion.Engine;

/// <summary>
/// Makes LibTorch's OpenMP threads sleep, not spin, while they wait for work (<c>OMP_WAIT_POLICY=PASSIVE</c> in the process's
/// native environment before LibTorch's bundled libgomp starts, which reads it once), unless the user set
/// <c>OMP_WAIT_POLICY</c> already. Done by <see cref="TorchEngine.Initialize"/>.
/// </summary>
/// <remarks>
/// With the default (active) policy each of LibTorch's threads spins at every barrier for its partner; when another
/// process holds a core, the partner is descheduled and a small operation waits a whole scheduler slice. Measured here on
/// 2 cores beside one busy core: DDPM, 25 steps of 8 digits with the mnist-small UNet on 2 threads took 22.15 s with the
/// active policy, 1.90 s with the passive one and 1.86 s on 1 thread; notebook 01's 300 UNet calls at batch 8 took 732 s in
/// a CI run beside a one-thread evaluation. Set <c>OMP_WAIT_POLICY=ACTIVE</c> to keep spinning (a dedicated machine).
/// Nothing changes once libgomp has started (it reads the variable once), nor off Linux.
/// </remarks>
internal static partial class OpenMpWaitPolicy
{
    /// <summary>OpenMP's variable.</summary>
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>What <see cref="Configure"/> sets when the variable is unset.</summary>
    public const string Passive = "PASSIVE";

    /// <summary>
    /// Sets <see cref="Variable"/> to <see cref="Passive"/> in the native environment when it is unset (Linux, where LibTorch
    /// brings libgomp; the managed environment too, so that child processes and <see cref="Environment.GetEnvironmentVariable(string)"/> see it).
    /// Returns the policy in force: the user's value, <see cref="Passive"/>, or null where nothing could be set.
    /// </summary>
    public static string? Configure()
    {
        string? current = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(current))
        {
            return current;
        }
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        try
        {
            if (setenv(Variable, Passive, 0) != 0)
            {
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        Environment.SetEnvironmentVariable(Variable, Passive);
        return Passive;
    }

    /// <summary>The variable as the native side (OpenMP's getenv) sees it, or null.</summary>
    public static string? Native()
    {
        if (!OperatingSystem.IsLinux())
        {
            return Environment.GetEnvironmentVariable(Variable);
        }
        nint value = getenv(Variable);
        return value == 0 ? null : Marshal.PtrToStringUTF8(value);
    }

    [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint getenv(string name);
}
