#!/usr/bin/env bash
# The evaluation command (a Linux convenience): the same as `dotnet run --project environment/cli -- evaluate cold|inverse|sde ...`.
exec dotnet run --project "$(dirname "${BASH_SOURCE[0]}")/cli" -- evaluate "$@"
