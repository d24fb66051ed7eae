#!/usr/bin/env bash
# The test command: sets up the machine (environment/setup.sh), then runs every test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/environment/setup.sh"
cd "$root"
dotnet test Diffusion.slnx -c Release --no-build -nologo
# The Jupyter kernel, driven by real Jupyter clients (jupyter_kernel_test, jupyter_client, nbclient).
/usr/bin/python3 -m unittest discover -s environment/kernel/tests -v
