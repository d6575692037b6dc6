#!/usr/bin/env bash
# Runs every Go test (unit and integration) and prints one summary line:
# "N passed, N failed, N skipped". Exits non-zero when anything failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -count=1 -json ./... > "$out"
status=$?
# Human-readable output: failures and package results.
go run ./infra/cmd/kontor-testsummary < "$out"
summary=$?
[ $status -eq 0 ] && [ $summary -eq 0 ]
