# Shared by environment/bench.sh, bench-sampling.sh, bench-dps.sh and bench-sde.sh (sourced, not run): checks for PyTorch, builds the C#
# benchmark, runs one C# and one PyTorch command into temporary files, and reads their 'RESULT key=value ...' lines.
# The caller sets $name (the prefix of messages) before sourcing.
python=/usr/bin/python3
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "$name: PyTorch is missing from $python; run environment/setup-dev.sh (it installs python3-torch)" >&2
  exit 1
fi
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
echo "$name: building the C# side"
dotnet build "$bench_dir/Diffusion.Bench.csproj" -c Release -nologo -v q >/dev/null
dll="$bench_dir/bin/Release/net10.0/Diffusion.Bench.dll"
cs_out="$(mktemp)"; py_out="$(mktemp)"
trap 'rm -f "$cs_out" "$py_out"' EXIT

# field FILE KEY: the value of KEY on FILE's RESULT line.
field() { grep '^RESULT' "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }

# same_parameters: stops unless both sides report the same parameter count (the same architecture).
same_parameters() {
  cs_params=$(field "$cs_out" params); py_params=$(field "$py_out" params)
  if [ "$cs_params" != "$py_params" ]; then
    echo "$name: parameter counts differ (C# $cs_params, PyTorch $py_params)" >&2
    exit 1
  fi
}

# ratio LABEL KEY: prints 'LABEL ratio (C# / PyTorch): x.xx' for KEY.
ratio() {
  awk -v c="$(field "$cs_out" "$2")" -v p="$(field "$py_out" "$2")" -v l="$1" 'BEGIN { printf "%s ratio (C# / PyTorch): %.2f\n", l, c / p }'
}

# field_of KEY: the value of KEY on the RESULT line read from standard input.
field_of() { grep '^RESULT' | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }

# The glibc allocator settings TorchEngine.Initialize makes for the C# side (lib/Engine/NativeAllocator.cs), for a PyTorch
# peer run "with our malloc settings" (its default settings are glibc's own).
same_malloc="MALLOC_MMAP_THRESHOLD_=2147483647 MALLOC_TRIM_THRESHOLD_=2147483647"
