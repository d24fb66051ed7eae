#!/usr/bin/env bash
# The evaluation command: measures the shipped models and writes the notebooks' tables to data/results/*.json.
#   environment/evaluate.sh cold [--images 100] [--generate 1000] [--threads N]     # notebook 06: data/results/cold-mnist.json
#   environment/evaluate.sh inverse [--images 100] [--threads N]                    # notebook 05: data/results/inverse-mnist.json
#   environment/evaluate.sh sde [--samples 1000] [--samplers LIST] [--threads N]    # notebook 04: data/results/sde-mnist.json
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
dll="$here/tools/evaluate/bin/Release/net10.0/Diffusion.Evaluate.dll"
if [ "${EVALUATE_NO_BUILD:-0}" != "1" ]; then
  dotnet build "$here/tools/evaluate/Diffusion.Evaluate.csproj" -c Release -nologo -v q >/dev/null
fi
cd "$root"
exec dotnet "$dll" "$@"
