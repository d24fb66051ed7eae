using System.Diagnostics;
using System.Globalization;

namespace Diffusion.Engine;

/// <summary>The memory this process holds, as the operating system counts it (for model cards and benchmarks).</summary>
public static class ProcessMemory
{
    /// <summary>The peak resident set in MB: <c>VmHWM</c> on Linux, the runtime's peak working set elsewhere.</summary>
    public static double PeakRssMb() => Read("VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);

    /// <summary>The resident set now in MB: <c>VmRSS</c> on Linux, the runtime's working set elsewhere.</summary>
    public static double RssMb() => Read("VmRSS:") ?? Process.GetCurrentProcess().WorkingSet64 / (1024.0 * 1024.0);

    private static double? Read(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return double.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
