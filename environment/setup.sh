#!/usr/bin/env bash
# A student's set-up (a Linux convenience): the same as `dotnet run --project environment/cli -- setup ...` (needs only the .NET
# SDK and Jupyter; never apt, npm or sudo). The developers' and CI's extras are environment/setup-dev.sh.
exec dotnet run --project "$(dirname "${BASH_SOURCE[0]}")/cli" -- setup "$@"
