#!/usr/bin/env bash
# The DPS benchmark: Diffusion Posterior Sampling (box inpainting, zeta 0.5) on the mnist-small DDPM UNet, one forward and
# one backward pass through the network per step, timed in C# (TorchSharp: lib/Inverse/Dps.cs) and in PyTorch 1.13.1 (the
# same loop in bench/bench_dps.py) on the same machine with the same thread count, in one run. K steps respaced over the
# 1000 are timed and the time is scaled to 1000 steps and divided by the batch: seconds per image for a full DPS run.
# Usage: environment/bench-dps.sh [threads (default: nproc)] [steps K (default 50)] [batch (default 1)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
threads="${1:-$(nproc)}"
steps="${2:-50}"
batch="${3:-1}"
name=bench-dps
source "$here/bench/side_by_side.sh"
args=(--threads "$threads" --batch "$batch" --steps "$steps")

echo "bench-dps: C# ($threads threads, batch $batch, $steps of 1000 DPS steps timed)"
dotnet "$dll" dps "${args[@]}" | tee "$cs_out"
echo "bench-dps: PyTorch ($threads threads, same loop)"
"$python" "$here/bench/bench_dps.py" "${args[@]}" | tee "$py_out"
same_parameters
echo "parameters: $cs_params (both); batch $batch, $threads threads"
echo "dps-1000 per image: C# $(field "$cs_out" dps_s) s, PyTorch $(field "$py_out" dps_s) s (extrapolated from $steps of the 1000 steps)"
ratio dps dps_s
