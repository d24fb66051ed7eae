#!/usr/bin/env bash
# The full profile's check, separate from the CI tests (which run the fast profile): sets up the machine
# (environment/setup-dev.sh), executes every notebook with the real results (DIFFUSION_PROFILE=full) in the course kernel,
# writes the executed notebooks and their HTML exports to out/course-full/, checks the exports (environment/check_exports.py:
# figures drawn, maths typeset, no local-file links, image grids at 2x or more) and ends with one line
# 'check-course: N notebooks passed, M failed'. Exits non-zero when a notebook's check or an export fails.
#   bash environment/check-course.sh                      # every notebook
#   bash environment/check-course.sh notebooks/04-*.ipynb # some of them
# It takes about an hour on two quiet cores (notebook 03's 1,000-sample FIDs are most of it); DIFFUSION_THREADS=1 on a
# machine busy with other work.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/environment/setup-dev.sh" || exit 1
out="$root/out/course-full"
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
DIFFUSION_PROFILE=full /usr/bin/python3 "$root/environment/run_course.py" --profile full --out "$out" "$@" 2>&1 | tee "$logs/course.txt"
course=${PIPESTATUS[0]}
/usr/bin/python3 "$root/environment/check_exports.py" "$out" 2>&1 | tee "$logs/exports.txt"
exports=${PIPESTATUS[0]}
ran=$(grep -o "run_course: [0-9]* notebooks passed, [0-9]* failed" "$logs/course.txt" | tail -1)
checked=$(grep -o "run_course: [0-9]* notebooks passed, [0-9]* failed" "$logs/exports.txt" | tail -1)
echo "check-course: notebooks (full profile): ${ran#run_course: }; exports: ${checked#run_course: }"
exit $(( course != 0 || exports != 0 ))
