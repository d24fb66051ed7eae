using System.Diagnostics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Diffusion.Tests.Plotting;

/// <summary>
/// Debian's headless Chromium (installed by environment/setup-dev.sh): loads a local page with networking off and takes
/// a screenshot, to check that plotly.js really drew a figure offline.
/// </summary>
internal static class Chromium
{
    internal const string Path = "/usr/bin/chromium";

    /// <summary>True when Chromium is installed.</summary>
    internal static bool Available => File.Exists(Path);

    /// <summary>
    /// Opens <paramref name="html"/> in an 800 × <paramref name="height"/> window with no network (a proxy that does not
    /// exist, background networking off) and returns the screenshot with Chromium's log.
    /// </summary>
    internal static (Image<Rgb24> Shot, string Log) Screenshot(string html, int height = 600)
    {
        var dir = Directory.CreateTempSubdirectory("chromium-");
        try
        {
            var png = System.IO.Path.Combine(dir.FullName, "shot.png");
            var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                "--hide-scrollbars", "--virtual-time-budget=10000",
                $"--user-data-dir={System.IO.Path.Combine(dir.FullName, "profile")}", $"--window-size=800,{height}", $"--screenshot={png}", "file://" + html,
            })
            {
                psi.ArgumentList.Add(arg);
            }
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("headless chromium did not finish within 120 s");
            }
            var log = stdout.Result + stderr.Result;
            Assert.True(File.Exists(png), "chromium wrote no screenshot:\n" + log);
            if (Environment.GetEnvironmentVariable("PLOT_SCREENSHOT_DIR") is { Length: > 0 } keep)
            {
                File.Copy(png, System.IO.Path.Combine(keep, System.IO.Path.GetFileNameWithoutExtension(html) + "-check.png"), overwrite: true);
            }
            return (Image.Load<Rgb24>(png), log);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Pixels in columns [<paramref name="fromX"/>, <paramref name="toX"/>) whose colour matches.</summary>
    internal static int Count(Image<Rgb24> shot, Func<Rgb24, bool> match, int fromX = 0, int toX = int.MaxValue)
    {
        int n = 0;
        for (int y = 0; y < shot.Height; y++)
        {
            for (int x = fromX; x < Math.Min(toX, shot.Width); x++)
            {
                if (match(shot[x, y]))
                {
                    n++;
                }
            }
        }
        return n;
    }

    internal static bool Green(Rgb24 p) => p.G > 150 && p.R < 60 && p.B < 60;

    internal static bool Blue(Rgb24 p) => p.B > 200 && p.R < 60 && p.G < 60;

    internal static bool Red(Rgb24 p) => p.R > 200 && p.G < 60 && p.B < 60;

    internal static bool Magenta(Rgb24 p) => p.R > 200 && p.B > 200 && p.G < 60;
}
