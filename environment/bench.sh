#!/usr/bin/env bash
# The UNet training-step benchmark: the same DDPM UNet (environment/bench/UNet.cs and bench_torch.py), batch 128,
# Adam(lr=2e-4), MSE on the noise, timed in C# (TorchSharp, LibTorch 2.10) and in PyTorch 1.13.1 on the same machine with
# the same thread count, in one run. Prints per-step times, then the forward and train-step ratios (C# / PyTorch).
# Usage: environment/bench.sh [threads (default: nproc)] [steps (default 10)] [warmup (default 2)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
threads="${1:-$(nproc)}"
steps="${2:-10}"
warmup="${3:-2}"
name=bench
source "$here/bench/side_by_side.sh"
args=(--threads "$threads" --steps "$steps" --warmup "$warmup")

echo "bench: C# ($threads threads, $warmup warm-up + $steps timed steps)"
dotnet "$dll" "${args[@]}" | tee "$cs_out"
echo "bench: PyTorch ($threads threads, $warmup warm-up + $steps timed steps)"
"$python" "$here/bench/bench_torch.py" "${args[@]}" | tee "$py_out"
same_parameters
echo "parameters: $cs_params (both)"
echo "median train step: C# $(field "$cs_out" train_ms) ms, PyTorch $(field "$py_out" train_ms) ms (fastest: $(field "$cs_out" train_min_ms), $(field "$py_out" train_min_ms))"
echo "median forward:    C# $(field "$cs_out" forward_ms) ms, PyTorch $(field "$py_out" forward_ms) ms (fastest: $(field "$cs_out" forward_min_ms), $(field "$py_out" forward_min_ms))"
echo "peak RSS:          C# $(field "$cs_out" peak_rss_mb) MB, PyTorch $(field "$py_out" peak_rss_mb) MB"
ratio "forward (fastest step)" forward_min_ms
ratio "train-step (fastest step)" train_min_ms
ratio forward forward_ms
ratio train-step train_ms
