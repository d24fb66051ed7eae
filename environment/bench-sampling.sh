#!/usr/bin/env bash
# The sampling benchmark: 64 samples of the mnist-small DDPM UNet (lib/Models/UNet.cs; the PyTorch peer is
# environment/bench/ddpm_unet.py, same architecture and parameter count), timed in C# (TorchSharp: DdimSampler, DdpmSampler)
# and in PyTorch 1.13.1 (the same loops in bench/bench_sampling.py) on the same machine with the same thread count, in one run.
# Tasks: one whole DDIM sampling of 50 steps, and one ancestral DDPM step (DDPM 1000 = 1000 of them: its time is the median
# step x 1000). Workers run interleaved (environment/bench/interleave.py: warm-up until settled, rounds alternating C# in
# bfloat16 autocast, C# in float32, PyTorch in float32 with its default settings and with the glibc allocator settings the
# course's engine makes for itself), and the ratio lines are the medians'.
# The weights are the default initialisation: the time does not depend on them.
# Usage: environment/bench-sampling.sh [threads (default: nproc)] [rounds (default 5)] [steps per round (default 4)] [batch (default 64)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
threads="${1:-$(nproc)}"
rounds="${2:-5}"
per_round="${3:-4}"
batch="${4:-64}"
name=bench-sampling
source "$here/bench/side_by_side.sh"
common=(--threads "$threads" --batch "$batch" --ddim-steps 50)
"$python" "$here/bench/interleave.py" --rounds "$rounds" --steps-per-round "$per_round" --task ddim --task ddpm-step \
  --worker "C# bf16=dotnet $dll sampling ${common[*]} --precision bf16" \
  --worker "C# fp32=dotnet $dll sampling ${common[*]} --precision fp32" \
  --worker "PyTorch fp32=$python $here/bench/bench_sampling.py ${common[*]}" \
  --worker "PyTorch fp32, our malloc=env $same_malloc $python $here/bench/bench_sampling.py ${common[*]}" \
  --ratio "ddim-50=ddim:C# bf16/PyTorch fp32" \
  --ratio "ddim-50 fp32=ddim:C# fp32/PyTorch fp32" \
  --ratio "ddpm-1000=ddpm-step:C# bf16/PyTorch fp32" \
  --ratio "ddpm-1000 fp32=ddpm-step:C# fp32/PyTorch fp32" \
  --ratio "ddim-50 vs our malloc settings=ddim:C# bf16/PyTorch fp32, our malloc" \
  --ratio "ddpm-1000 vs our malloc settings=ddpm-step:C# bf16/PyTorch fp32, our malloc" \
  --scale "ddpm-step=1000:s for DDPM 1000"
