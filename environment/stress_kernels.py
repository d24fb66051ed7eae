"""Runs the lifetime stress cell (environment/stress/lifetime_cell.cs) in a Jupyter kernel and reports what it saw.

Usage: /usr/bin/python3 environment/stress_kernels.py [--kernel NAME ...] [--seconds N] [--ops scalars|tensors|all]
                                                     [--library PATH/Diffusion.Lib.dll]

For each kernel (default: the course kernel built in this checkout, through a temporary kernelspec as the kernel tests
use, and .NET Interactive `dotnet-interactive-csharp`; `--kernel this` names the first, `--kernel diffusion-csharp` the
installed course kernel) a fresh
kernel runs the course's preamble (#r the library, TorchEngine.Initialize) and then the cell, whose loop of
tensor-scalar operators and temporary tensors runs for N seconds (default 60) beside a thread forcing garbage
collections. Prints one line per kernel: operations, collections, failures, wrong values, and which TorchSharp.dll
the kernel loaded (the build's patched copy, or stock). A kernel that dies (a native crash) is reported as such.
Exits non-zero when any kernel saw a failure or died.

--library points at another build of the library, for instance one built with -p:PatchTorchSharpLifetimes=false
into its own folder to see the stock behaviour (README, "Reliability").
"""
import argparse
import pathlib
import re
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

ROOT = pathlib.Path(__file__).resolve().parent.parent
CELL = ROOT / "environment" / "stress" / "lifetime_cell.cs"
sys.path.insert(0, str(ROOT / "environment" / "kernel" / "tests"))


def default_kernels():
    from kernel_support import KERNEL_NAME  # this checkout's course kernel under a temporary kernelspec
    return [KERNEL_NAME, "dotnet-interactive-csharp"]


OPERATIONS = {"scalars": "new[] { 0, 1, 2, 3 }", "tensors": "new[] { 4, 5 }", "all": "new[] { 0, 1, 2, 3, 4, 5 }"}


def preamble(library):
    return (
        f'#r "{library}"\n'
        "using TorchSharp;\n"
        "using static TorchSharp.torch;\n"
        "using Diffusion.Engine;\n"
        "Console.WriteLine(TorchEngine.Initialize(1));\n"
        'Console.WriteLine("TorchSharp.dll: " + typeof(torch).Assembly.Location + " (" + '
        '(TorchEngine.LifetimePatch ?? "stock: temporaries are not kept alive") + ")");\n'
    )


def text_of(cell):
    parts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            parts.append(output["text"])
        elif "data" in output and "text/plain" in output["data"]:
            parts.append(output["data"]["text/plain"])
        elif output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
    return "".join(parts)


def stress(kernel, seconds, ops, library):
    """Runs preamble and cell in a fresh kernel; returns (ok, line)."""
    cell = CELL.read_text(encoding="utf-8").replace("SECONDS", str(seconds)).replace("OPERATIONS", OPERATIONS[ops])
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(preamble(library)), nbformat.v4.new_code_cell(cell)]
    started = time.time()
    with tempfile.TemporaryDirectory() as folder:
        client = NotebookClient(nb, timeout=int(seconds) + 300, kernel_name=kernel, resources={"metadata": {"path": folder}})
        try:
            client.execute()
        except DeadKernelError:
            engine = text_of(nb.cells[0]).strip().splitlines()
            return False, f"{kernel}: the kernel died after {time.time() - started:.0f} s (a native crash); {engine[-1] if engine else ''}"
        except CellExecutionError as e:
            return False, f"{kernel}: the cell failed: {str(e).strip().splitlines()[-1]}"
    engine = text_of(nb.cells[0]).strip().splitlines()
    result = [line for line in text_of(nb.cells[1]).splitlines() if line.startswith("STRESS ")]
    if not result:
        return False, f"{kernel}: no result line: {text_of(nb.cells[1])[-500:]}"
    match = re.search(r": (\d+) failed, (\d+) wrong values", result[0])
    ok = match is not None and match.group(1) == "0" and match.group(2) == "0"
    return ok, f"{kernel}: {result[0][len('STRESS '):]}; {engine[-1] if engine else ''}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", action="append", help="kernelspec name (repeatable); default: both kernels")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ops", choices=sorted(OPERATIONS), default="all")
    parser.add_argument("--library", default=str(ROOT / "bin" / "Release" / "net10.0" / "Diffusion.Lib.dll"))
    args = parser.parse_args()
    library = pathlib.Path(args.library).resolve()
    if not library.exists():
        sys.exit(f"{library} is not built: dotnet build Diffusion.slnx -c Release")
    all_ok = True
    kernels = args.kernel or default_kernels()
    if "this" in kernels:   # this checkout's course kernel, under the kernel tests' temporary kernelspec
        from kernel_support import KERNEL_NAME
        kernels = [KERNEL_NAME if k == "this" else k for k in kernels]
    for kernel in kernels:
        ok, line = stress(kernel, args.seconds, args.ops, library)
        print(line, flush=True)
        all_ok &= ok
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
