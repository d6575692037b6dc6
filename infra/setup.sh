#!/usr/bin/env bash
# Installs what the local stack needs: the Go modules and the pinned Python tools in a
# project-local virtualenv (.venv). Idempotent: quick when nothing changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

command -v go >/dev/null || { echo "setup: Go 1.26 is required (https://go.dev/dl/)" >&2; exit 1; }
py=${PYTHON:-python3}
command -v "$py" >/dev/null || { echo "setup: Python 3.11+ is required" >&2; exit 1; }

go mod download

stamp=.venv/.requirements.sha256
want=$(sha256sum infra/requirements.txt | cut -d' ' -f1)
if [ -x .venv/bin/moto_server ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "setup: installing moto server, AWS SAM CLI and cfn-lint into .venv (once)…"
"$py" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r infra/requirements.txt
echo "$want" > "$stamp"
echo "setup: done"
