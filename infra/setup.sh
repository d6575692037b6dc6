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

# The browser tests (web/browsertest): Chromium from @sparticuz/chromium (it ships
# the binary; unpacked once into .venv/chromium, launched with --no-sandbox and
# none of the package's Lambda flags) and axe-core, both pinned, into .venv/node.
# Without Node the browser tests skip with a message (and fail under CI=true).
CHROMIUM_PKG=@sparticuz/chromium@153.0.0
AXE_PKG=axe-core@4.11.1
browser_stamp=.venv/node/.packages
if [ -x .venv/chromium/chromium ] && [ -f "$browser_stamp" ] && [ "$(cat "$browser_stamp")" = "$CHROMIUM_PKG $AXE_PKG" ]; then
  :
elif command -v npm >/dev/null && command -v node >/dev/null; then
  echo "setup: installing $CHROMIUM_PKG and $AXE_PKG into .venv/node (once)…"
  mkdir -p .venv/node .venv/chromium
  npm install --silent --no-audit --no-fund --save-exact --prefix .venv/node "$CHROMIUM_PKG" "$AXE_PKG" >/dev/null
  # executablePath() unpacks the binary (and its fonts and libraries) into the
  # temporary directory: here .venv/chromium.
  TMPDIR=$root/.venv/chromium node --input-type=module -e \
    "const m = await import('$root/.venv/node/node_modules/@sparticuz/chromium/build/index.js'); console.log(await m.default.executablePath());" >/dev/null
  echo "$CHROMIUM_PKG $AXE_PKG" > "$browser_stamp"
  echo "setup: browser done (.venv/chromium/chromium)"
else
  echo "setup: no Node.js/npm: the browser tests (web/browsertest) will skip; install Node 20+ and run make setup" >&2
fi
