#!/usr/bin/env bash
# Runs every Go test (unit and integration) and prints one summary line:
# "N passed, N failed, N skipped". Exits non-zero when anything failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# The browser suite (its own stack and a Chromium) runs after the rest rather than
# beside the integration suite: two stacks at once on a small machine push calls
# past their time budget.
# -timeout: go test's default of 10 minutes per package is less than the
# integration suite takes on a loaded two-core machine (a timeout kills the test
# binary mid-test; kontor-testsummary names the test it was in).
go test -count=1 -timeout 40m -json $(go list ./... | grep -v '/web/browsertest$') > "$out"
status=$?
go test -count=1 -timeout 30m -json ./web/browsertest/ >> "$out" || status=$?
# Human-readable output: failures and package results.
go run ./infra/cmd/kontor-testsummary < "$out"
summary=$?
[ $status -eq 0 ] && [ $summary -eq 0 ]
