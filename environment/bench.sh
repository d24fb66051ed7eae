#!/usr/bin/env bash
# The UNet benchmark: the course's UNet (mnist-small, 1,623,169 parameters, dropout 0.1; lib/Models/UNet.cs and its PyTorch
# twin environment/bench/ddpm_unet.py), batch 128, Adam(lr=2e-4), MSE on the noise: one training step and one forward pass,
# timed in C# (TorchSharp, LibTorch 2.10) and in PyTorch 1.13.1 on the same machine with the same thread count, in one run.
# Five workers run interleaved (environment/bench/interleave.py): C# in the library's default configuration, C# in float32,
# PyTorch in float32 (its default settings), PyTorch with its own bfloat16 autocast, and PyTorch in float32 with the glibc
# allocator settings the course's engine makes for itself (TorchEngine.Initialize; lib/Engine/NativeAllocator.cs). Each warms up until its step time settles, then
# rounds alternate the workers; the medians, interquartile ranges and the ratios of the medians are printed, then the roofline
# (FLOPs of the step counted per layer, the machine's peaks through LibTorch, achieved GFLOP/s and the fraction of the peak:
# the best of a 2048² GEMM and a large 3×3 convolution in the worker's precision).
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
roofline="$(dotnet "$dll" roofline "${common[@]}" | grep -v NNPACK | tee /dev/stderr)"
peak_fp32=$(printf '%s\n' "$roofline" | field_of peak_fp32_conv); peak_fp32_gemm=$(printf '%s\n' "$roofline" | field_of peak_fp32_gemm)
peak_bf16=$(printf '%s\n' "$roofline" | field_of peak_bf16_conv); peak_bf16_gemm=$(printf '%s\n' "$roofline" | field_of peak_bf16_gemm)
peak_fp32=$(awk -v a="$peak_fp32" -v b="$peak_fp32_gemm" 'BEGIN { print (a > b ? a : b) }')
peak_bf16=$(awk -v a="$peak_bf16" -v b="$peak_bf16_gemm" 'BEGIN { print (a > b ? a : b) }')
"$python" "$here/bench/interleave.py" --rounds "$rounds" --steps-per-round "$per_round" --task train --task forward \
  --worker "C# default=dotnet $dll unet ${common[*]} --precision default" \
  --worker "C# fp32=dotnet $dll unet ${common[*]} --precision fp32" \
  --worker "PyTorch fp32=$python $here/bench/bench_torch.py ${common[*]} --precision fp32" \
  --worker "PyTorch bf16=$python $here/bench/bench_torch.py ${common[*]} --precision bf16" \
  --worker "PyTorch fp32, our malloc=env $same_malloc $python $here/bench/bench_torch.py ${common[*]} --precision fp32" \
  --ratio "train-step=train:C# default/PyTorch fp32" \
  --ratio "train-step fp32=train:C# fp32/PyTorch fp32" \
  --ratio "train-step vs bf16 autocast=train:C# default/PyTorch bf16" \
  --ratio "train-step vs our malloc settings=train:C# default/PyTorch fp32, our malloc" \
  --ratio "forward=forward:C# default/PyTorch fp32" \
  --ratio "forward fp32=forward:C# fp32/PyTorch fp32" \
  --flops "train=$(printf '%s\n' "$roofline" | field_of train_gflop)" --flops "forward=$(printf '%s\n' "$roofline" | field_of forward_gflop)" \
  --peak "fp32=$peak_fp32" --peak "bf16=$peak_bf16"
