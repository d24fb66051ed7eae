#!/usr/bin/env bash
# Opens the course in Jupyter Notebook (after `dotnet run --project environment/cli -- setup`, which installs the course kernel).
exec jupyter notebook --notebook-dir "$(cd "$(dirname "${BASH_SOURCE[0]}")/../notebooks" && pwd)" "$@"
