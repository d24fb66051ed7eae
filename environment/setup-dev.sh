#!/usr/bin/env bash
# The developers' and CI's set-up on Debian 12 (or Ubuntu 24.04), idempotently, for environment/run-tests.sh and run-course.sh:
#   1. apt packages the tests, the course runner and the benchmarks need beyond a student's set-up: Fashion-MNIST, PyTorch
#      1.13.1 (the benchmark peer and the source of tests/fixtures; never part of the product), Jupyter with nbclient,
#      nbconvert and jupyter_kernel_test, Chromium and require.js (the browser check of exported figures), npm. Packages the
#      distribution does not have (Chromium on Ubuntu is a snap: `snap install chromium`) are named and skipped: the tests
#      that need them skip, and fail under CI=true; then, with npm, MathJax 3 (environment/package-lock.json) into
#      environment/node_modules, which environment/html_export.py inlines into every exported notebook;
#   2. the .NET build of the whole solution (library, kernel, course tool, tests);
#   3. the student's set-up (`dotnet run --project environment/cli -- setup --dotnet-interactive`): the course kernel and
#      .NET Interactive (restored and verified in NuGet's packages folder) installed into Jupyter, the data checked.
# Needs root or sudo for step 1 only, and only when a package is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

APT_PACKAGES=(
  dataset-fashion-mnist   # Fashion-MNIST IDX files in /usr/share/datasets/fashion-mnist
  python3-torch           # PyTorch: benchmark peer and reference values, never part of the product
  python3-numpy
  jupyter-notebook        # the course runs in a real Jupyter client
  python3-nbclient
  python3-nbconvert
  python3-jupyter-kernel-test
  chromium                # headless browser check of exported figures
  libjs-requirejs         # require.js, which nbconvert's HTML export loads (inlined by environment/html_export.py)
  npm                     # fetches MathJax 3 (environment/package.json), inlined into the exports so their maths renders offline
)
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    if [ "$p" = chromium ] && { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; }; then continue; fi
    # NodeSource's nodejs ships its own npm and conflicts with Debian's npm package: an npm on PATH is enough.
    if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing+=("$p"); fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
      if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "setup-dev: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
      fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    available=()
    for p in "${missing[@]}"; do
      if apt-cache show "$p" >/dev/null 2>&1 && [ -n "$(apt-cache policy "$p" | sed -n 's/^ *Candidate: //p' | grep -v '(none)')" ]; then
        available+=("$p")
      else
        echo "setup-dev: $p is not available from apt here: skipped (the tests that need it will skip, and fail under CI=true)" >&2
      fi
    done
    if [ ${#available[@]} -gt 0 ]; then
      echo "setup-dev: installing apt packages: ${available[*]}"
      $SUDO apt-get install -y -qq --no-install-recommends "${available[@]}" >/dev/null
    fi
  fi
else
  echo "setup-dev: no dpkg here: install PyTorch, Jupyter (nbclient, nbconvert, jupyter_kernel_test) and Chromium yourself" >&2
fi

if [ ! -f "$here/node_modules/mathjax/es5/tex-svg-full.js" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "setup-dev: fetching MathJax 3 for the HTML exports (npm ci in environment/)"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "setup-dev: npm ci failed in $here" >&2; exit 1; }
  else
    echo "setup-dev: npm is missing: the HTML exports cannot inline MathJax (environment/run_course.py will say so)" >&2
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup-dev: the .NET SDK (10.0) is required: https://dotnet.microsoft.com/download" >&2; exit 1
fi
if ! out=$(cd "$root" && dotnet build Diffusion.slnx -c Release -nologo -v q 2>&1); then
  echo "$out" >&2
  echo "setup-dev: the build failed (see above)" >&2
  exit 1
fi
cd "$root"
dotnet run --project environment/cli -- setup --dotnet-interactive "$@"
