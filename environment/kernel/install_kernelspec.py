#!/usr/bin/python3
"""Installs the course's Jupyter kernels for the current user, idempotently.

  install_kernelspec.py <path/to/Diffusion.Kernel.dll> [dotnet]
      the course kernel as `.net-csharp` (".NET (C#)"), the default of the notebooks;
  install_kernelspec.py --dotnet-interactive [dotnet]
      .NET Interactive as `dotnet-interactive-csharp` (".NET Interactive (C#)"), running the tool that
      `dotnet tool restore` installed from the repository's manifest (.config/dotnet-tools.json), so the two kernels sit
      side by side (both claim `.net-csharp` by default).

Quiet when the installed spec is already this one. It never replaces a different kernel installed under the same name
(such as Microsoft's own `.net-csharp`): it prints a warning and leaves it.
"""
import glob
import json
import os
import shutil
import sys
import tempfile

from jupyter_client.kernelspec import KernelSpecManager

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MARKER = "diffusion-course"
COURSE_KERNEL = ".net-csharp"
DOTNET_INTERACTIVE = "dotnet-interactive-csharp"
TOOL_PACKAGE = "microsoft.dotnet-interactive"


def course_spec(dll, dotnet):
    with open(os.path.join(HERE, "kernel.json"), encoding="utf-8") as f:
        spec = json.load(f)
    spec["argv"] = [dotnet, os.path.abspath(dll), "{connection_file}"]
    return spec


def tool_version():
    """The version of .NET Interactive pinned by the repository's tool manifest."""
    with open(os.path.join(ROOT, ".config", "dotnet-tools.json"), encoding="utf-8") as f:
        return json.load(f)["tools"][TOOL_PACKAGE]["version"]


def tool_dll(version):
    """The restored tool's entry assembly in the NuGet global packages folder."""
    packages = os.environ.get("NUGET_PACKAGES") or os.path.join(os.path.expanduser("~"), ".nuget", "packages")
    pattern = os.path.join(packages, TOOL_PACKAGE, version, "tools", "*", "any", "Microsoft.DotNet.Interactive.App.dll")
    found = sorted(glob.glob(pattern))
    if not found:
        raise FileNotFoundError(f"{TOOL_PACKAGE} {version} is not restored ({pattern}); run 'dotnet tool restore' in {ROOT}")
    return found[-1]


def dotnet_interactive_spec(dotnet):
    """Runs the locally restored tool (not a global `dotnet interactive`, which needs the repository as working directory).

    --http-local-only: .NET Interactive always serves HTTP (ports 2048-3000); this keeps it on the loopback interface.
    """
    version = tool_version()
    return {
        "argv": [dotnet, tool_dll(version), "jupyter", "--default-kernel", "csharp", "--http-local-only", "{connection_file}"],
        "display_name": ".NET Interactive (C#)",
        "language": "C#",
        "env": {"DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT": "1", "DOTNET_INTERACTIVE_SKIP_FIRST_TIME_EXPERIENCE": "1"},
        "metadata": {"kernel_provider": MARKER, "implementation": f"{TOOL_PACKAGE} {version}"},
    }


def is_ours(spec):
    argv = spec.get("argv") or []
    return spec.get("metadata", {}).get("kernel_provider") == MARKER or any(
        str(a).endswith("Diffusion.Kernel.dll") for a in argv
    )


def install(name, spec):
    manager = KernelSpecManager()
    existing_dir = manager.find_kernel_specs().get(name)
    if existing_dir:
        try:
            with open(os.path.join(existing_dir, "kernel.json"), encoding="utf-8") as f:
                existing = json.load(f)
        except (OSError, ValueError):
            existing = {}
        if not is_ours(existing):
            print(f"setup: WARNING: a different Jupyter kernel is already installed as '{name}' in {existing_dir}; "
                  "leaving it as it is (the course's kernel was not installed under that name).", file=sys.stderr)
            return 0
        if existing == spec:
            return 0
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "kernel.json"), "w", encoding="utf-8") as f:
            json.dump(spec, f, indent=2)
        target = manager.install_kernel_spec(folder, kernel_name=name, user=True)
    print(f"setup: installed the Jupyter kernel '{name}' ({spec['display_name']}) in {target}")
    return 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__, file=sys.stderr)
        return 2
    dotnet = sys.argv[2] if len(sys.argv) > 2 else (shutil.which("dotnet") or "dotnet")
    if sys.argv[1] == "--dotnet-interactive":
        try:
            spec = dotnet_interactive_spec(dotnet)
        except (OSError, KeyError, ValueError) as e:
            print(f"setup: cannot install .NET Interactive's kernel: {e}", file=sys.stderr)
            return 1
        return install(DOTNET_INTERACTIVE, spec)
    return install(COURSE_KERNEL, course_spec(sys.argv[1], dotnet))


if __name__ == "__main__":
    sys.exit(main())
