#!/usr/bin/env bash
# The training command (a Linux convenience): the same as `dotnet run --project environment/cli -- train ...`; --help says what it takes.
exec dotnet run --project "$(dirname "${BASH_SOURCE[0]}")/cli" -- train "$@"
