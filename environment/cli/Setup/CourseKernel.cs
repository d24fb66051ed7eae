namespace Diffusion.Cli.Setup;

/// <summary>Installs the course's kernels into the user's Jupyter (shared by <c>setup</c> and <c>kernel install</c>).</summary>
internal static class CourseKernel
{
    /// <summary>
    /// Finds Jupyter (<paramref name="jupyterPath"/> or the one on PATH), installs the course kernel running the built
    /// <see cref="Build.KernelDll"/>, and with <paramref name="dotnetInteractive"/> .NET Interactive beside it; prints a line per step.
    /// </summary>
    /// <exception cref="InvalidOperationException">No Jupyter was found (the message says how to get one), or an install failed.</exception>
    public static void Install(string? jupyterPath, bool dotnetInteractive, bool force)
    {
        var tried = new List<string>();
        var jupyter = Jupyter.Find(jupyterPath, tried)
            ?? throw new InvalidOperationException($"no Jupyter found ({string.Join("; ", tried)}). To get one: {Jupyter.HowToGet}");
        Console.WriteLine($"setup: Jupyter: {jupyter.Display}");
        string kernelDll = Repository.Path(Build.KernelDll);
        if (!File.Exists(kernelDll))
        {
            throw new InvalidOperationException($"the course kernel is not built ({kernelDll}): run setup (it builds it)");
        }
        string dotnet = KernelSpecs.Dotnet();
        Console.WriteLine("setup: " + KernelSpecs.Install(jupyter, KernelSpecs.CourseName, KernelSpecs.Course(dotnet, kernelDll), force));
        if (dotnetInteractive)
        {
            string version = DotnetInteractiveTool.Version(Repository.Root);
            string tool = DotnetInteractiveTool.Restore(Repository.Root, line => Console.WriteLine("setup: " + line));
            Console.WriteLine($"setup: .NET Interactive {version}: {tool}");
            Console.WriteLine("setup: " + KernelSpecs.Install(jupyter, KernelSpecs.DotnetInteractiveName, KernelSpecs.DotnetInteractive(dotnet, tool, version), force));
        }
    }
}
