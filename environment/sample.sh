#!/usr/bin/env bash
# The sampling command (a Linux convenience): the same as `dotnet run --project environment/cli -- sample ...`.
exec dotnet run --project "$(dirname "${BASH_SOURCE[0]}")/cli" -- sample "$@"
