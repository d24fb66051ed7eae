#!/usr/bin/env bash
# The sampling command: samples a trained model folder and writes FILE.safetensors (the samples) and FILE.png (a grid).
#   environment/sample.sh --model data/checkpoints/ddpm-mnist --sampler ddim --steps 50 --n 64 --seed 0 --out samples/ddpm-mnist-ddim
#   environment/sample.sh --model data/checkpoints/ncsnpp-mnist --sampler pc --steps 1000 --n 16 --out samples/ncsnpp-pc
#   environment/sample.sh --help
# Samplers: pc, em, ode (any model: DDPM UNets through the VP SDE, VE NCSN++), ddpm, ddim (DDPM UNets). Prints NFE and seconds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
dll="$here/tools/sample/bin/Release/net10.0/Diffusion.Sample.dll"
if [ "${SAMPLE_NO_BUILD:-0}" != "1" ]; then
  dotnet build "$here/tools/sample/Diffusion.Sample.csproj" -c Release -nologo -v q >/dev/null
fi
cd "$root"
exec dotnet "$dll" "$@"
