#!/usr/bin/env bash
# Starts Jupyter Notebook on the course (notebooks/), with the course's C# kernel installed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/environment/setup.sh"
exec jupyter notebook --notebook-dir "$root/notebooks" "$@"
