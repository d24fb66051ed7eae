using System.CommandLine;
using Diffusion.Cli.Setup;

namespace Diffusion.Cli.Commands;

/// <summary><c>kernel install</c>: builds the course kernel and installs it (and optionally .NET Interactive) into the user's Jupyter.</summary>
internal static class KernelCommand
{
    public static Command Create()
    {
        var jupyter = new Option<string?>("--jupyter") { Description = "the jupyter executable (or a Python with Jupyter) to install into (default: jupyter on PATH, else python3/python/py)" };
        var dotnetInteractive = new Option<bool>("--dotnet-interactive") { Description = "also restore .NET Interactive (verified in NuGet's current packages folder) and install it as dotnet-interactive-csharp" };
        var force = new Option<bool>("--force") { Description = "replace a kernel of someone else's installed under the same name" };
        var noBuild = new Option<bool>("--no-build") { Description = "install the kernel already built, without building it" };
        var install = new Command("install", $"Install the course kernel as the Jupyter kernelspec '{KernelSpecs.CourseName}' (\"{KernelSpecs.CourseDisplayName}\") for the current user.")
        {
            jupyter, dotnetInteractive, force, noBuild,
        };
        install.SetAction(p =>
        {
            if (!p.GetValue(noBuild))
            {
                Console.WriteLine("kernel: building environment/kernel (Release)");
                Build.Project("environment/kernel/Diffusion.Kernel.csproj");
            }
            CourseKernel.Install(p.GetValue(jupyter), p.GetValue(dotnetInteractive), p.GetValue(force));
            return 0;
        });
        return new Command("kernel", "The course's Jupyter kernel.") { install };
    }
}
