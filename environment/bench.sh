#!/usr/bin/env bash
# The UNet training-step benchmark: the same DDPM UNet (environment/bench/UNet.cs and bench_torch.py), batch 128,
# Adam(lr=2e-4), MSE on the noise, timed in C# (our libtorch binding) and in PyTorch 1.13.1 on the same machine with
# the same thread count, in one run. Prints per-step times, then the forward and train-step ratios (C# / PyTorch).
# Usage: environment/bench.sh [threads (default: nproc)] [steps (default 10)] [warmup (default 2)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
threads="${1:-$(nproc)}"
steps="${2:-10}"
warmup="${3:-2}"
python=/usr/bin/python3
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "bench: PyTorch is missing from $python; run environment/setup.sh (it installs python3-torch)" >&2
  exit 1
fi
echo "bench: building the C# side"
dotnet build "$here/bench/Diffusion.Bench.csproj" -c Release -nologo -v q >/dev/null
dll="$here/bench/bin/Release/net10.0/Diffusion.Bench.dll"
args=(--threads "$threads" --steps "$steps" --warmup "$warmup")

cs_out="$(mktemp)"; py_out="$(mktemp)"
trap 'rm -f "$cs_out" "$py_out"' EXIT
echo "bench: C# ($threads threads, $warmup warm-up + $steps timed steps)"
dotnet "$dll" "${args[@]}" | tee "$cs_out"
echo "bench: PyTorch ($threads threads, $warmup warm-up + $steps timed steps)"
"$python" "$here/bench/bench_torch.py" "${args[@]}" | tee "$py_out"

field() { grep '^RESULT' "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
cs_params=$(field "$cs_out" params); py_params=$(field "$py_out" params)
if [ "$cs_params" != "$py_params" ]; then
  echo "bench: parameter counts differ (C# $cs_params, PyTorch $py_params)" >&2
  exit 1
fi
echo "parameters: $cs_params (both)"
echo "median train step: C# $(field "$cs_out" train_ms) ms, PyTorch $(field "$py_out" train_ms) ms"
echo "median forward:    C# $(field "$cs_out" forward_ms) ms, PyTorch $(field "$py_out" forward_ms) ms"
awk -v c="$(field "$cs_out" forward_ms)" -v p="$(field "$py_out" forward_ms)" 'BEGIN { printf "forward ratio (C# / PyTorch): %.2f\n", c / p }'
awk -v c="$(field "$cs_out" train_ms)" -v p="$(field "$py_out" train_ms)" 'BEGIN { printf "train-step ratio (C# / PyTorch): %.2f\n", c / p }'
