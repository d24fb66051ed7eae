using System.Runtime.InteropServices;

namespace Diffusion.Kernel;

/// <summary>
/// Makes SIGINT reach the kernel wherever it was started. A process launched from a background job of a non-interactive
/// shell (a CI script, <c>nohup … &amp;</c>) inherits SIGINT ignored, and .NET installs no SIGINT handler over an inherited
/// SIG_IGN, so Jupyter's interrupt (SIGINT, sent by jupyter_client's <c>signal_kernel</c> and by front ends whose
/// kernelspec has interrupt_mode "signal") was silently lost and the cell ran on. ipykernel installs its handler regardless;
/// so does this kernel, after restoring the default disposition.
/// </summary>
internal static class SignalDisposition
{
    private const int Sigint = 2;          // the same on Linux and macOS
    private const nint DefaultAction = 0;  // SIG_DFL

    /// <summary>Restores SIGINT's default disposition; call before <c>PosixSignalRegistration.Create(PosixSignal.SIGINT, …)</c>.</summary>
    /// <returns>Null on success (or on Windows, which has no SIGINT disposition to inherit), else why it failed.</returns>
    public static string? RestoreSigint()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                LinuxSignal(Sigint, DefaultAction);
            }
            else if (OperatingSystem.IsMacOS())
            {
                MacSignal(Sigint, DefaultAction);
            }
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return e.Message;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "signal")]
    private static extern nint LinuxSignal(int signal, nint handler);

    [DllImport("libSystem.dylib", EntryPoint = "signal")]
    private static extern nint MacSignal(int signal, nint handler);
}
