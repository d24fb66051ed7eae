"""Executes the course notebooks in order in a real Jupyter client (nbclient) and exports each to HTML.

Usage: /usr/bin/python3 environment/run_course.py [--kernel NAME] [--profile fast|full] [--out DIR] [--timeout SECONDS]
                                                 [NOTEBOOK ...]

Each notebook runs top to bottom on a Jupyter kernel (--kernel: `diffusion-csharp`, the course kernel, by default;
`dotnet-interactive-csharp` runs .NET Interactive) with DIFFUSION_PROFILE set, from the notebooks/ folder (so relative
paths resolve as in Jupyter); the kernel used is named in the first line of output. The executed notebook and its HTML
export (environment/html_export.py: require.js and MathJax inlined, so it reads right on any machine, offline) are written
to the output folder. Exits non-zero when any cell fails, naming the notebook and the cell.
"""
import argparse
import os
import pathlib
import re
import sys
import time

import nbformat
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "environment"))
import html_export  # noqa: E402  (environment/html_export.py: require.js and MathJax inlined, no local-file links)


DEFAULT_KERNEL = "diffusion-csharp"


def run(path, out_dir, profile, timeout, kernel):
    nb = nbformat.read(path, as_version=4)
    os.environ["DIFFUSION_PROFILE"] = profile
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel,
        resources={"metadata": {"path": str(path.parent)}},
        allow_errors=False,
    )
    started = time.time()
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = e
    seconds = time.time() - started
    if error is None:
        error = output_problems(nb)
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    (out_dir / (path.stem + ".html")).write_text(html_export.to_html(nb), encoding="utf-8")
    return seconds, error


def output_problems(nb):
    """A failure naming every cell whose output a student should not see, or None: a C# compiler warning (.NET Interactive
    prints them, e.g. CS1701 or CS8632, in a pink box), or a rich output without its text/plain fallback (viewers that run
    no HTML show nothing then). .NET Interactive's own start-up script, which carries only HTML, is not the course's."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            text = output.get("text", "") if kind == "stream" else ""
            for code in sorted(set(re.findall(r"warning (CS\d{4})", text))):
                found.append(f"cell {index}: compiler warning {code}: {text.strip().splitlines()[0][:200]}")
            data = output.get("data", {}) if kind in ("display_data", "execute_result") else {}
            if data and "text/plain" not in data and "dotnet-interactive-this-cell" not in str(data.get("text/html", "")):
                found.append(f"cell {index}: an output with {', '.join(sorted(data))} but no text/plain")
    return RuntimeError("outputs a student should not see:\n" + "\n".join(found)) if found else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernel", default=DEFAULT_KERNEL,
                        help=f"Jupyter kernelspec to run the notebooks on (default {DEFAULT_KERNEL}, the course kernel)")
    parser.add_argument("--profile", choices=["fast", "full"], default=os.environ.get("DIFFUSION_PROFILE", "full"))
    parser.add_argument("--out", default=str(ROOT / "out" / "course"))
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args()

    paths = [pathlib.Path(p).resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    if not paths:
        print("run_course: no notebooks found in notebooks/", file=sys.stderr)
        return 1
    try:
        spec = KernelSpecManager().get_kernel_spec(args.kernel)
    except NoSuchKernel:
        print(f"run_course: no Jupyter kernel named '{args.kernel}' is installed (run `dotnet run --project environment/cli -- setup`; "
              f"`jupyter kernelspec list` shows the installed ones)", file=sys.stderr)
        return 1
    print(f"run_course: kernel {args.kernel} ({spec.display_name}: {' '.join(spec.argv)})", flush=True)
    failures = 0
    for path in paths:
        print(f"run_course: {path.name} ({args.profile}, kernel {args.kernel}) ...", flush=True)
        seconds, error = run(path, pathlib.Path(args.out), args.profile, args.timeout, args.kernel)
        if error is None:
            print(f"run_course: {path.name} ok in {seconds:.1f} s", flush=True)
        else:
            failures += 1
            print(f"run_course: {path.name} FAILED after {seconds:.1f} s:\n{error}", file=sys.stderr, flush=True)
    print(f"run_course: {len(paths) - failures} notebooks passed, {failures} failed on kernel {args.kernel}; "
          f"outputs in {args.out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
