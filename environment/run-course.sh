#!/usr/bin/env bash
# The course command: sets up the machine (environment/setup-dev.sh: Jupyter's nbclient and nbconvert from apt, the build, the
# course kernel), then executes every notebook in notebooks/ in order in a real
# Jupyter client and writes the executed notebooks and their HTML exports to out/course/.
#   DIFFUSION_PROFILE=fast   a few minutes per notebook (CI); default: full (the real results)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/environment/setup-dev.sh"
exec /usr/bin/python3 "$root/environment/run_course.py" --profile "${DIFFUSION_PROFILE:-full}" "$@"
