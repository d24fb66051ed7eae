#!/usr/bin/env bash
# The test command: sets up the machine for the tests (environment/setup-dev.sh: the apt extras, the build, the student's
# set-up with .NET Interactive), then runs every suite and prints one closing line
# 'N passed, N failed, N skipped':
#   1. the xunit suite (library, kernel wire format), in Release and, as a user types `dotnet test Diffusion.slnx`, in
#      Debug (DIFFUSION_DEBUG_SUITE=0 leaves the Debug run out);
#   2. the kernel under real Jupyter clients (jupyter_kernel_test conformance, jupyter_client, nbclient), and the checks
#      of exported pages (environment/tests);
#   3. the notebooks: in sync with notebooks/src, and executed top to bottom (fast profile) with their checks, in the
#      course kernel (diffusion-csharp) and in .NET Interactive (dotnet-interactive-csharp); their HTML exports checked
#      (environment/check_exports.py: no local-file links, no mangled maths, image grids at 2x or more) and opened in
#      headless Chromium with no network, every figure drawn and every formula typeset.
# Tests whose host tool is missing (Chromium, nbconvert, PyTorch, Fashion-MNIST, .NET Interactive) skip with the reason; with
# CI=true they fail instead.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/environment/setup-dev.sh" || exit 1
cd "$root"
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

dotnet test Diffusion.slnx -c Release --no-build -nologo 2>&1 | tee "$logs/dotnet.txt"
if [ "${DIFFUSION_DEBUG_SUITE:-1}" != 0 ]; then
  dotnet test Diffusion.slnx -c Debug -nologo 2>&1 | tee -a "$logs/dotnet.txt"
fi
{ /usr/bin/python3 -m unittest discover -s environment/kernel/tests -v 2>&1; /usr/bin/python3 -m unittest discover -s environment/tests -v 2>&1; } \
  | tee "$logs/unittest.txt"
sync_ok=0
/usr/bin/python3 environment/notebooks.py --check || sync_ok=1
for kernel in diffusion-csharp dotnet-interactive-csharp; do
  DIFFUSION_PROFILE=fast /usr/bin/python3 environment/run_course.py --profile fast --kernel "$kernel" \
    --out "$root/out/ci-course/$kernel" 2>&1 | tee "$logs/course-$kernel.txt"
done
/usr/bin/python3 environment/check_exports.py "$root/out/ci-course/diffusion-csharp" "$root/out/ci-course/dotnet-interactive-csharp" \
  2>&1 | tee "$logs/course-exports.txt"

/usr/bin/python3 environment/test_summary.py "$logs/dotnet.txt" "$logs/unittest.txt" "$logs"/course-*.txt
summary=$?
exit $(( summary != 0 || sync_ok != 0 ))
