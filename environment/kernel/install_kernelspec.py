#!/usr/bin/python3
"""Installs the course's C# kernel as the Jupyter kernelspec `.net-csharp` (display name ".NET (C#)").

Idempotent: quiet when the installed spec is already this one. It never replaces a different kernel
installed under the same name (such as Microsoft's .NET Interactive): it prints a warning and leaves it.
Usage: install_kernelspec.py <path/to/Diffusion.Kernel.dll> [dotnet executable]
"""
import json
import os
import shutil
import sys
import tempfile

from jupyter_client.kernelspec import KernelSpecManager

NAME = ".net-csharp"
HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = "diffusion-course"


def wanted_spec(dll, dotnet):
    with open(os.path.join(HERE, "kernel.json"), encoding="utf-8") as f:
        spec = json.load(f)
    spec["argv"] = [dotnet, dll, "{connection_file}"]
    return spec


def is_ours(spec):
    argv = spec.get("argv") or []
    return spec.get("metadata", {}).get("kernel_provider") == MARKER or any(
        str(a).endswith("Diffusion.Kernel.dll") for a in argv
    )


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    dll = os.path.abspath(sys.argv[1])
    dotnet = sys.argv[2] if len(sys.argv) > 2 else (shutil.which("dotnet") or "dotnet")
    spec = wanted_spec(dll, dotnet)
    manager = KernelSpecManager()
    existing_dir = manager.find_kernel_specs().get(NAME)
    if existing_dir:
        try:
            with open(os.path.join(existing_dir, "kernel.json"), encoding="utf-8") as f:
                existing = json.load(f)
        except (OSError, ValueError):
            existing = {}
        if not is_ours(existing):
            print(f"setup: WARNING: a different Jupyter kernel is already installed as '{NAME}' in {existing_dir}; "
                  "leaving it as it is (the course kernel was not installed under that name).", file=sys.stderr)
            return 0
        if existing == spec:
            return 0
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "kernel.json"), "w", encoding="utf-8") as f:
            json.dump(spec, f, indent=2)
        target = manager.install_kernel_spec(folder, kernel_name=NAME, user=True)
    print(f"setup: installed the Jupyter kernel '{NAME}' (.NET (C#)) in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
