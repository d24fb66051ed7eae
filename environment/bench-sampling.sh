#!/usr/bin/env bash
# The sampling benchmark: 64 samples of the mnist-small DDPM UNet (lib/Models/UNet.cs; the PyTorch peer is
# environment/bench/ddpm_unet.py, same architecture and parameter count) with 1000 ancestral DDPM steps and with
# 50 DDIM steps, timed in C# (our libtorch binding: DdpmSampler, DdimSampler) and in PyTorch 1.13.1 (the same
# loops in bench_sampling.py) on the same machine with the same thread count, in one run.
# The weights are the default initialisation: the time does not depend on them.
# 1000 steps at batch 64 take minutes per side on a small CPU: ddpm-steps K < 1000 times the first K steps of the
# 1000 and scales the time by 1000/K (the output says "extrapolated").
# Usage: environment/bench-sampling.sh [threads (default: nproc)] [ddpm-steps (default 1000)] [ddim-steps (default 50)] [batch (default 64)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
threads="${1:-$(nproc)}"
ddpm_steps="${2:-1000}"
ddim_steps="${3:-50}"
batch="${4:-64}"
python=/usr/bin/python3
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "bench-sampling: PyTorch is missing from $python; run environment/setup.sh (it installs python3-torch)" >&2
  exit 1
fi
echo "bench-sampling: building the C# side"
dotnet build "$here/bench/Diffusion.Bench.csproj" -c Release -nologo -v q >/dev/null
dll="$here/bench/bin/Release/net10.0/Diffusion.Bench.dll"
args=(--threads "$threads" --batch "$batch" --ddpm-steps "$ddpm_steps" --ddim-steps "$ddim_steps")

cs_out="$(mktemp)"; py_out="$(mktemp)"
trap 'rm -f "$cs_out" "$py_out"' EXIT
echo "bench-sampling: C# ($threads threads, batch $batch, DDPM $ddpm_steps of 1000 steps timed, DDIM $ddim_steps steps)"
dotnet "$dll" sampling "${args[@]}" | tee "$cs_out"
echo "bench-sampling: PyTorch ($threads threads, same loops)"
"$python" "$here/bench/bench_sampling.py" "${args[@]}" | tee "$py_out"

field() { grep '^RESULT' "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
cs_params=$(field "$cs_out" params); py_params=$(field "$py_out" params)
if [ "$cs_params" != "$py_params" ]; then
  echo "bench-sampling: parameter counts differ (C# $cs_params, PyTorch $py_params)" >&2
  exit 1
fi
note=""
if [ "$ddpm_steps" -lt 1000 ]; then note=" (extrapolated from $ddpm_steps of the 1000 steps)"; fi
echo "parameters: $cs_params (both); $batch samples, $threads threads"
echo "ddpm-1000: C# $(field "$cs_out" ddpm_s) s, PyTorch $(field "$py_out" ddpm_s) s$note"
echo "ddim-$ddim_steps: C# $(field "$cs_out" ddim_s) s, PyTorch $(field "$py_out" ddim_s) s"
awk -v c="$(field "$cs_out" ddpm_s)" -v p="$(field "$py_out" ddpm_s)" 'BEGIN { printf "ddpm-1000 ratio (C# / PyTorch): %.2f\n", c / p }'
awk -v c="$(field "$cs_out" ddim_s)" -v p="$(field "$py_out" ddim_s)" -v s="$ddim_steps" 'BEGIN { printf "ddim-%s ratio (C# / PyTorch): %.2f\n", s, c / p }'
