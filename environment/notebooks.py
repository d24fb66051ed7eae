"""Builds the course notebooks (.ipynb) from their sources in notebooks/src/*.cs.

A source is C# in the "percent" format: a line `// %% [markdown]` starts a markdown cell whose lines are C#
comments (`// ` stripped), a line `// %%` starts a code cell. The output keeps the Polyglot Notebooks conventions
(per-cell language metadata) and name the course kernel (kernelspec `diffusion-csharp`, which `dotnet run --project environment/cli -- setup`
installs) so the files open on it in Jupyter and VS Code.

Usage: /usr/bin/python3 environment/notebooks.py [--check]
  --check  exit 1 if any notebook differs from what its source builds (CI uses it; outputs are ignored).
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "notebooks" / "src"

METADATA = {
    "kernelspec": {"display_name": "C# (diffusion course)", "language": "C#", "name": "diffusion-csharp"},
    "language_info": {"name": "C#", "file_extension": ".cs", "mimetype": "text/x-csharp", "pygments_lexer": "csharp"},
    "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"aliases": [], "name": "csharp"}]}},
}
CODE_METADATA = {"dotnet_interactive": {"language": "csharp"}, "polyglot_notebook": {"kernelName": "csharp"}}


def parse(text):
    cells, kind, lines = [], None, []

    def flush():
        if kind is None:
            return
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if lines:
            cells.append((kind, lines[:]))

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("// %% [markdown]"):
            flush()
            kind, lines = "markdown", []
        elif stripped == "// %%" or stripped.startswith("// %% "):
            flush()
            kind, lines = "code", []
        elif kind == "markdown":
            lines.append(line[3:] if line.startswith("// ") else line[2:] if line.startswith("//") else line)
        elif kind == "code":
            lines.append(line)
    flush()
    return cells


def build(source):
    cells = []
    for i, (kind, lines) in enumerate(parse(source.read_text(encoding="utf-8"))):
        text = [l + "\n" for l in lines]
        text[-1] = text[-1].rstrip("\n")
        cell = {"cell_type": kind, "id": f"c{i:03d}", "metadata": {}, "source": text}
        if kind == "code":
            cell.update({"execution_count": None, "metadata": dict(CODE_METADATA), "outputs": []})
        cells.append(cell)
    return {"cells": cells, "metadata": METADATA, "nbformat": 4, "nbformat_minor": 5}


def main():
    check = "--check" in sys.argv
    stale = []
    for source in sorted(SRC.glob("[0-9][0-9]-*.cs")):
        target = ROOT / "notebooks" / (source.stem + ".ipynb")
        text = json.dumps(build(source), indent=1, ensure_ascii=False) + "\n"
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(target.name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"notebooks: wrote {target.relative_to(ROOT)}")
    if stale:
        print("notebooks: out of date with notebooks/src (run /usr/bin/python3 environment/notebooks.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
