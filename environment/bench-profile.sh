#!/usr/bin/env bash
# Where the time of a UNet training step goes, on both sides: Linux perf samples the C# worker (TorchSharp, LibTorch 2.10)
# and the PyTorch 1.13.1 worker of environment/bench.sh while each runs 20 training steps after its warm-up, and
# environment/bench/profile_step.py sums the samples by the kind of operation. Needs perf (Debian: linux-perf).
# Usage: environment/bench-profile.sh [threads (default: nproc)] [batch (default 128)] [precision of the C# side (default: the library's)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
threads="${1:-$(nproc)}"
batch="${2:-128}"
precision="${3:-default}"
name=bench-profile
if ! command -v perf >/dev/null 2>&1; then
  echo "bench-profile: perf is missing: install it (Debian: apt-get install linux-perf)" >&2; exit 1
fi
source "$here/bench/side_by_side.sh"
common=(--threads "$threads" --batch "$batch")
echo "== C# ($precision)"
"$python" "$here/bench/profile_step.py" --task train --steps 20 -- dotnet "$dll" unet "${common[@]}" --precision "$precision"
echo "== PyTorch 1.13.1 (fp32)"
"$python" "$here/bench/profile_step.py" --task train --steps 20 -- "$python" "$here/bench/bench_torch.py" "${common[@]}" --precision fp32
