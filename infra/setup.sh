#!/usr/bin/env bash
# Installs what the local stack and the checks need: the Go modules and the pinned
# Python tools in project-local virtualenvs (.venv, and .venv/checkov for checkov).
# Idempotent: quick when nothing changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

command -v go >/dev/null || { echo "setup: Go 1.26 is required (https://go.dev/dl/)" >&2; exit 1; }
py=${PYTHON:-python3}
command -v "$py" >/dev/null || { echo "setup: Python 3.11+ is required" >&2; exit 1; }

go mod download

# venv <dir> <requirements file> <a command it must provide> <what, for the message>
venv() {
  local dir=$1 req=$2 cmd=$3 what=$4
  local stamp=$dir/.requirements.sha256 want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -x "$dir/bin/$cmd" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "setup: installing $what into $dir (once)…"
  "$py" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
  echo "setup: $what done"
}

venv .venv infra/requirements.txt moto_server "moto server, AWS SAM CLI and cfn-lint"
# checkov pins boto3 exactly, to a release the SAM CLI's own exact pin excludes, so it
# gets a virtualenv of its own.
venv .venv/checkov infra/requirements-checkov.txt checkov checkov
