#!/usr/bin/env bash
# The sampling benchmark: 64 samples of the mnist-small DDPM UNet (lib/Models/UNet.cs; the PyTorch peer is
# environment/bench/ddpm_unet.py, same architecture and parameter count) with 1000 ancestral DDPM steps and with
# 50 DDIM steps, timed in C# (TorchSharp: DdpmSampler, DdimSampler) and in PyTorch 1.13.1 (the same
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
name=bench-sampling
source "$here/bench/side_by_side.sh"
args=(--threads "$threads" --batch "$batch" --ddpm-steps "$ddpm_steps" --ddim-steps "$ddim_steps")

echo "bench-sampling: C# ($threads threads, batch $batch, DDPM $ddpm_steps of 1000 steps timed, DDIM $ddim_steps steps)"
dotnet "$dll" sampling "${args[@]}" | tee "$cs_out"
echo "bench-sampling: PyTorch ($threads threads, same loops)"
"$python" "$here/bench/bench_sampling.py" "${args[@]}" | tee "$py_out"
same_parameters
note=""
if [ "$ddpm_steps" -lt 1000 ]; then note=" (extrapolated from $ddpm_steps of the 1000 steps)"; fi
echo "parameters: $cs_params (both); $batch samples, $threads threads"
echo "ddpm-1000: C# $(field "$cs_out" ddpm_s) s, PyTorch $(field "$py_out" ddpm_s) s$note"
echo "ddim-$ddim_steps: C# $(field "$cs_out" ddim_s) s, PyTorch $(field "$py_out" ddim_s) s"
ratio ddpm-1000 ddpm_s
ratio "ddim-$ddim_steps" ddim_s
