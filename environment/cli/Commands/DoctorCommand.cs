using System.CommandLine;
using System.Runtime.InteropServices;
using Diffusion.Cli.Setup;
using Diffusion.Engine;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>doctor</c>: what is installed, what is missing and how to get it — the student's needs first (the engine, Jupyter, the course
/// kernel, the data), then the developers' extras (PyTorch, Chromium, nbconvert and the kernel test packages). Exit 1 when a
/// student's need is missing.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var jupyter = new Option<string?>("--jupyter") { Description = "the jupyter executable (or a Python with Jupyter) to look into" };
        var command = new Command("doctor", "Show what is installed, what is missing, and how to get it.") { jupyter };
        command.SetAction(p => Run(p.GetValue(jupyter)));
        return command;
    }

    private static int Run(string? jupyterPath)
    {
        bool ok = true;
        void Line(bool found, bool required, string what, string detail)
        {
            Console.WriteLine($"{(found ? "ok     " : required ? "MISSING" : "absent ")}  {what}: {detail}");
            ok &= found || !required;
        }

        Console.WriteLine($"doctor: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), .NET {Environment.Version}, checkout {Repository.Root}");
        Console.WriteLine("-- the course");
        try
        {
            Line(true, true, "engine", TorchEngine.Initialize(1));
        }
        catch (EngineLoadException e)
        {
            Line(false, true, "engine", e.Message);
        }
        string library = Repository.Path(Build.LibraryDll), kernelDll = Repository.Path(Build.KernelDll);
        Line(File.Exists(library), true, "library build (the notebooks load it)", File.Exists(library) ? library : $"not built: run `{CourseTool.Invocation} setup`");
        Line(File.Exists(kernelDll), true, "course kernel build", File.Exists(kernelDll) ? kernelDll : $"not built: run `{CourseTool.Invocation} setup`");

        var tried = new List<string>();
        var jupyter = Jupyter.Find(jupyterPath, tried);
        Line(jupyter is not null, true, "Jupyter", jupyter?.Display ?? $"{string.Join("; ", tried)}. To get it: {Jupyter.HowToGet}");
        if (jupyter is not null)
        {
            var specs = jupyter.KernelSpecs();
            foreach (var (name, required) in new[] { (KernelSpecs.CourseName, true), (KernelSpecs.DotnetInteractiveName, false) })
            {
                if (specs.TryGetValue(name, out var spec))
                {
                    var argv = (spec.Spec["argv"] as System.Text.Json.Nodes.JsonArray)?.Select(a => a?.GetValue<string>() ?? "").ToList() ?? [];
                    var missing = argv.Take(2).Where(a => Path.IsPathRooted(a) && !File.Exists(a)).ToList();
                    bool here = name != KernelSpecs.CourseName || argv.Contains(Path.GetFullPath(kernelDll));
                    Line(missing.Count == 0, required, $"kernel '{name}'",
                        $"{spec.Folder} runs {string.Join(' ', argv)}" +
                        (missing.Count > 0 ? $"; {string.Join(", ", missing)} does not exist: run `{CourseTool.Invocation} kernel install`" : "") +
                        (here ? "" : $" (another checkout's build; `{CourseTool.Invocation} kernel install` points it at this one)"));
                }
                else
                {
                    Line(false, required, $"kernel '{name}'", name == KernelSpecs.CourseName
                        ? $"not installed: run `{CourseTool.Invocation} setup`"
                        : $"not installed (developers only): `{CourseTool.Invocation} kernel install --dotnet-interactive`");
                }
            }
        }
        foreach (var status in DataCheck.All())
        {
            Line(status.Found, status.Required, status.Name, status.Detail);
        }

        Console.WriteLine("-- the developers' extras (the tests and benchmarks; on Debian `bash environment/setup-dev.sh` installs them)");
        var python = ProcessRunner.FindOnPath("python3") ?? ProcessRunner.FindOnPath("python");
        string peer = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : python ?? "python3";
        foreach (var (module, what, get) in new[]
        {
            ("torch", "PyTorch (the benchmark peer and the tests' reference values)", "apt install python3-torch (Debian 12: PyTorch 1.13.1)"),
            ("nbclient", "nbclient (runs the notebooks in tests and run-course)", "apt install python3-nbclient, or pip install nbclient"),
            ("nbconvert", "nbconvert (the HTML exports)", "apt install python3-nbconvert, or pip install nbconvert"),
            ("jupyter_kernel_test", "jupyter_kernel_test (the kernel's conformance tests)", "apt install python3-jupyter-kernel-test, or pip install jupyter_kernel_test"),
        })
        {
            var r = ProcessRunner.Run(peer, ["-c", $"import {module}; print(getattr({module}, '__version__', ''))"], timeout: TimeSpan.FromMinutes(1));
            Line(r.Succeeded, false, what, r.Succeeded ? $"{peer}: {module} {r.Output.Trim()}" : $"not importable by {peer}; to get it: {get}");
        }
        string? chromium = new[] { "chromium", "chromium-browser", "google-chrome" }.Select(ProcessRunner.FindOnPath).FirstOrDefault(p => p is not null);
        Line(chromium is not null, false, "Chromium (the browser check of exported figures)", chromium ?? "not on PATH; to get it: apt install chromium (Debian), snap install chromium (Ubuntu)");
        Console.WriteLine(ok ? "doctor: the course is ready." : $"doctor: something the course needs is MISSING (above); `{CourseTool.Invocation} setup` installs what it can.");
        return ok ? 0 : 1;
    }
}
