using System.Diagnostics;
using Diffusion.IO;
using Diffusion.Tests.Support;
using Diffusion.Training;

namespace Diffusion.Tests.Training;

/// <summary>
/// A training run killed with SIGKILL at random moments (between steps, inside a step, while a checkpoint is written,
/// during start-up) always leaves an intact checkpoint (or none yet), and resuming from it ends with the same weights,
/// bit for bit, as a run that was never interrupted. The course tool's train command runs in a child process on a tiny config.
/// </summary>
public class KillResumeTests
{
    /// <summary>Trials in the suite; DIFFUSION_KILL_TRIALS=20 runs the measurement (README, "Reliability").</summary>
    private static int Trials => int.TryParse(Environment.GetEnvironmentVariable("DIFFUSION_KILL_TRIALS"), out int n) && n > 0 ? n : 3;

    /// <summary>The course tool as the tests' build output holds it (it references the tool), beside the patched TorchSharp.dll.</summary>
    private static string CourseTool()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "diffusion.dll");
        Assert.True(File.Exists(path), $"{path} is not built: build Diffusion.slnx");
        return path;
    }

    private static Process Start(string folder)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { CourseTool(), "train", "--config", "ddpm-mnist-tiny", "--synthetic", "--steps", "12", "--checkpoint-every", "1",
                     "--threads", "1", "--resume", "--out", folder })
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Every tensor of <paramref name="actual"/> has the name, dtype, shape and bytes of the one in <paramref name="expected"/>.</summary>
    private static void AssertSameTensors(string expected, string actual)
    {
        var a = Safetensors.ReadHeader(expected);
        var b = Safetensors.ReadHeader(actual);
        Assert.Equal(a.Tensors.Select(t => t.Name), b.Tensors.Select(t => t.Name));
        byte[] bytesA = File.ReadAllBytes(expected), bytesB = File.ReadAllBytes(actual);
        foreach (var (x, y) in a.Tensors.Zip(b.Tensors))
        {
            Assert.True(x.DType == y.DType && x.Shape.SequenceEqual(y.Shape), $"{actual}: tensor '{x.Name}' has another dtype or shape");
            var dataA = bytesA.AsSpan((int)(a.DataStart + x.Begin), (int)x.ByteCount);
            var dataB = bytesB.AsSpan((int)(b.DataStart + y.Begin), (int)y.ByteCount);
            Assert.True(dataA.SequenceEqual(dataB), $"{actual}: tensor '{x.Name}' differs from the uninterrupted run's");
        }
    }

    [Fact]
    public void TrainingKilledAtRandomMoments_ResumesFromAnIntactCheckpointBitExactly()
    {
        using var reference = new TempFolder();
        using (var run = Start(reference.Path))
        {
            Assert.True(run.WaitForExit(TimeSpan.FromMinutes(3)), "the uninterrupted run did not finish");
            Assert.Equal(0, run.ExitCode);
        }
        var clock = Stopwatch.StartNew();
        using (var run = Start(reference.Path + "-timing"))
        {
            run.WaitForExit();
        }
        double runSeconds = clock.Elapsed.TotalSeconds;
        Directory.Delete(reference.Path + "-timing", recursive: true);

        var random = new Random(24);
        int kills = 0, killsWithCheckpoint = 0, killsMidWrite = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            using var folder = new TempFolder();
            string checkpoint = Path.Combine(folder.Path, Checkpoint.FileName);
            for (int launch = 0; ; launch++)
            {
                using var run = Start(folder.Path);
                // Kill at a uniformly random moment of a whole run's length (start-up included), at most 3 times a trial.
                if (launch < 3 && !run.WaitForExit(TimeSpan.FromSeconds(random.NextDouble() * runSeconds)))
                {
                    run.Kill();   // SIGKILL
                    run.WaitForExit();
                    kills++;
                    // A write cut short leaves its temporary file (.checkpoint.safetensors.RANDOM.tmp) beside the checkpoint.
                    if (Directory.EnumerateFiles(folder.Path, ".*.tmp").Any())
                    {
                        killsMidWrite++;
                    }
                    if (File.Exists(checkpoint))
                    {
                        killsWithCheckpoint++;
                        Checkpoint.Verify(checkpoint);   // intact: structure and CRC-32 of the data
                    }
                    continue;
                }
                Assert.True(run.WaitForExit(TimeSpan.FromMinutes(3)), $"trial {trial}: the resumed run did not finish");
                Assert.Equal(0, run.ExitCode);
                break;
            }
            AssertSameTensors(Path.Combine(reference.Path, Checkpoint.WeightsFileName), Path.Combine(folder.Path, Checkpoint.WeightsFileName));
            AssertSameTensors(Path.Combine(reference.Path, Checkpoint.FileName), checkpoint);
        }
        Console.WriteLine($"kill and resume: {Trials} of {Trials} trials bit-exact after {kills} SIGKILLs ({killsWithCheckpoint} with a " +
            $"checkpoint on disk, {killsMidWrite} or more in the middle of a write); a run takes {runSeconds:F1} s");
    }
}
