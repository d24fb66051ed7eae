#!/usr/bin/env bash
# The UNet benchmark: the course's UNet (mnist-small, 1,623,169 parameters, dropout 0.1; lib/Models/UNet.cs and its PyTorch
# twin environment/bench/ddpm_unet.py), batch 128, Adam(lr=2e-4), MSE on the noise: one training step and one forward pass,
# timed in C# (TorchSharp, LibTorch 2.10) and in PyTorch 1.13.1 on the same machine with the same thread count, in one run.
# Four workers run interleaved (environment/bench/interleave.py): C# in the library's default configuration, C# in float32,
# PyTorch in float32 (its default) and PyTorch with its own bfloat16 autocast. Each warms up until its step time settles, then
# rounds alternate the workers; the medians, interquartile ranges and the ratios of the medians are printed, then the roofline
# (FLOPs of the step, achieved GFLOP/s, the machine's peaks).
# Usage: environment/bench.sh [threads (default: nproc)] [rounds (default 6)] [steps per round (default 4)] [batch (default 128)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
threads="${1:-$(nproc)}"
rounds="${2:-6}"
per_round="${3:-4}"
batch="${4:-128}"
name=bench
source "$here/bench/side_by_side.sh"
common=(--threads "$threads" --batch "$batch")
if [ "$(dotnet "$dll" unet "${common[@]}" --params-only | field_of params)" != "$("$python" "$here/bench/bench_torch.py" "${common[@]}" --params-only | field_of params)" ]; then
  echo "bench: the C# and PyTorch UNets have different parameter counts" >&2; exit 1
fi
"$python" "$here/bench/interleave.py" --rounds "$rounds" --steps-per-round "$per_round" --task train --task forward \
  --worker "C# default=dotnet $dll unet ${common[*]} --precision default" \
  --worker "C# fp32=dotnet $dll unet ${common[*]} --precision fp32" \
  --worker "PyTorch fp32=$python $here/bench/bench_torch.py ${common[*]} --precision fp32" \
  --worker "PyTorch bf16=$python $here/bench/bench_torch.py ${common[*]} --precision bf16" \
  --ratio "train-step=train:C# default/PyTorch fp32" \
  --ratio "train-step fp32=train:C# fp32/PyTorch fp32" \
  --ratio "train-step vs bf16 autocast=train:C# default/PyTorch bf16" \
  --ratio "forward=forward:C# default/PyTorch fp32" \
  --ratio "forward fp32=forward:C# fp32/PyTorch fp32" | tee "$cs_out"
