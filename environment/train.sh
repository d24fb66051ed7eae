#!/usr/bin/env bash
# The training command: trains a named config and writes a safetensors checkpoint with a JSON model card.
#   environment/train.sh --config ddpm-mnist --out data/checkpoints/ddpm-mnist [--steps N] [--seed S] [--threads N] [--resume]
#   environment/train.sh --list                      # the named configs
#   environment/train.sh --config ddpm-mnist --time-steps 5 --threads 1   # seconds per step, writes nothing
# Ctrl+C stops at the next step boundary and writes a checkpoint; --resume continues it with identical results.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
dll="$here/train/bin/Release/net10.0/Diffusion.Train.dll"
if [ "${TRAIN_NO_BUILD:-0}" != "1" ]; then
  dotnet build "$here/train/Diffusion.Train.csproj" -c Release -nologo -v q >/dev/null
fi
cd "$root"
exec dotnet "$dll" "$@"
