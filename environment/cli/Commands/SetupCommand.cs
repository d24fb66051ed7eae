using System.CommandLine;
using System.Runtime.InteropServices;
using Diffusion.Cli.Setup;
using Diffusion.Data;
using Diffusion.Engine;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>setup</c>: a student's set-up on Windows, macOS or Linux. It needs only the .NET SDK and a Jupyter, and never calls a
/// system package manager (apt, dpkg, npm, sudo): it builds the library and the course kernel (NuGet brings TorchSharp and
/// LibTorch), installs the kernel into the Jupyter on PATH under its own name, and checks the data (the course's digits ship in
/// data/mnist; Fashion-MNIST and the full MNIST come from IDX files the user points to). Safe to run again.
/// </summary>
internal static class SetupCommand
{
    public static Command Create()
    {
        var jupyter = new Option<string?>("--jupyter") { Description = "the jupyter executable (or a Python with Jupyter) to install the kernel into (default: jupyter on PATH, else python3/python/py -m jupyter)" };
        var fashion = new Option<string?>("--fashion-mnist") { Description = "a folder with Fashion-MNIST's four IDX files (t10k-images-idx3-ubyte.gz …): checked and recorded for the course (Debian's /usr/share/datasets/fashion-mnist is found by itself)" };
        var mnist = new Option<string?>("--mnist") { Description = "a folder with the full MNIST's four IDX files: checked and recorded (the course itself uses the 10,000 shipped digits)" };
        var dotnetInteractive = new Option<bool>("--dotnet-interactive") { Description = "also restore .NET Interactive (pinned by .config/dotnet-tools.json) and install it as the kernel dotnet-interactive-csharp (the developers' second kernel)" };
        var force = new Option<bool>("--force") { Description = "replace a kernel of someone else's installed under the course's kernel name" };
        var gpu = new Option<bool>("--gpu") { Description = "build the library and kernel with TorchSharp's CUDA package (TorchSharp-cuda-linux or -windows: LibTorch 2.10 with CUDA 12.8; needs an NVIDIA driver for CUDA 12.8)" };
        var command = new Command("setup", "Set up the course on this machine (any OS): build, install the course's Jupyter kernel, check the data. Needs only the .NET SDK and Jupyter.")
        {
            jupyter, fashion, mnist, dotnetInteractive, force, gpu,
        };
        command.SetAction(p => Run(p.GetValue(jupyter), p.GetValue(fashion), p.GetValue(mnist), p.GetValue(dotnetInteractive), p.GetValue(force), p.GetValue(gpu)));
        return command;
    }

    private static int Run(string? jupyter, string? fashion, string? mnist, bool dotnetInteractive, bool force, bool gpu)
    {
        string? package = !gpu ? null
            : OperatingSystem.IsLinux() ? "TorchSharp-cuda-linux"
            : OperatingSystem.IsWindows() ? "TorchSharp-cuda-windows"
            : throw new UsageException("--gpu: TorchSharp's CUDA packages are for Linux x64 and Windows x64 only");
        Console.WriteLine($"setup: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), .NET {Environment.Version}, checkout {Repository.Root}");
        foreach (var project in new[] { "Diffusion.Lib.csproj", "environment/kernel/Diffusion.Kernel.csproj" })
        {
            Console.WriteLine($"setup: building {project} (Release{(package is null ? "" : ", " + package)}; the first build downloads TorchSharp and LibTorch from NuGet, about 1.5 GB)");
            foreach (var line in Build.Project(project, package))
            {
                Console.WriteLine("setup: " + line);
            }
        }
        Console.WriteLine("setup: " + TorchEngine.Initialize(1));

        CourseKernel.Install(jupyter, dotnetInteractive, force);

        if (fashion is not null)
        {
            Console.WriteLine("setup: " + DataCheck.Record(DataFolders.FashionMnistKey, fashion));
        }
        if (mnist is not null)
        {
            Console.WriteLine("setup: " + DataCheck.Record(DataFolders.MnistKey, mnist));
        }
        bool complete = true;
        foreach (var status in DataCheck.All())
        {
            Console.WriteLine($"setup: {(status.Found ? "ok" : status.Required ? "MISSING" : "absent")}  {status.Name}: {status.Detail}");
            complete &= status.Found || !status.Required;
        }
        if (!complete)
        {
            Console.Error.WriteLine("setup: incomplete (see MISSING above)");
            return 1;
        }
        Console.WriteLine($"setup: done. Open the notebooks with `jupyter lab notebooks` (or `jupyter notebook notebooks`, or VS Code) and pick the kernel " +
            $"'{KernelSpecs.CourseDisplayName}'; `{CourseTool.Invocation} doctor` shows what is installed.");
        return 0;
    }
}
