#!/usr/bin/env bash
# The static and fuzz checks (make checks): every gate runs, even after one failed,
# and the summary names each gate that failed. Exits non-zero when any failed.
#
#   infra/checks.sh                 every gate
#   infra/checks.sh gosec fuzz      only these (gofmt vet staticcheck gosec tidy checkov fuzz)
#   infra/checks.sh prepare         build the tools and the fuzz binaries, check nothing
#                                   (CI does it while make test runs)
#
# Tool versions come from the Makefile (STATICCHECK, GOSEC); each is built once into
# .build/tools/<package@version>/. FUZZTIME is how long each fuzz target runs
# (default 10s). Fuzz targets are found with `go test -list '^Fuzz'` (fuzz_targets),
# so a new one is covered without listing it here.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

STATICCHECK=${STATICCHECK:?set by the Makefile}
GOSEC=${GOSEC:?set by the Makefile}
FUZZTIME=${FUZZTIME:-10s}
CHECKOV=${CHECKOV:-$root/.venv/checkov/bin/checkov}
TOOLS=$root/.build/tools

all=(gofmt vet staticcheck gosec tidy checkov fuzz)
gates=("$@")
[ ${#gates[@]} -gt 0 ] || gates=("${all[@]}")

failed=()
passed=0

# gate <name> <command…>: runs one gate and records its result.
gate() {
  local name=$1 start
  shift
  echo "── $name"
  start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "   $name passed ($((SECONDS - start))s)"
  else
    failed+=("$name")
    echo "   $name FAILED ($((SECONDS - start))s)"
  fi
}

# tool <package@version> <args…>: runs a pinned Go tool, built once into .build/tools.
tool() {
  local pkg=$1 dir bin
  shift
  dir=$TOOLS/$(tr '/@' '__' <<<"$pkg")
  bin=$dir/$(basename "${pkg%@*}")
  if [ ! -x "$bin" ]; then
    GOBIN=$dir go install "$pkg" || { echo "   could not build $pkg"; return 1; }
  fi
  "$bin" "$@"
}

# fuzz_targets prints "<package> <target>" for every fuzz target of the module, as
# `go test -list '^Fuzz'` lists them. It asks only the packages whose test files
# declare a Fuzz function: listing runs a package's TestMain, and the integration
# tests' TestMain starts a whole local stack.
fuzz_targets() {
  local pkgs list line names=() name
  pkgs=$(go list -f '{{.ImportPath}} {{.Dir}} {{join .TestGoFiles " "}} {{join .XTestGoFiles " "}}' ./... |
    while read -r pkg dir files; do
      for f in $files; do
        if grep -q '^func Fuzz' "$dir/$f"; then
          echo "$pkg"
          break
        fi
      done
    done) || return 1
  [ -n "$pkgs" ] || return 0
  # shellcheck disable=SC2086 # one package per word
  list=$(go test -list '^Fuzz' $pkgs) || { echo "$list" >&2; return 1; }
  while IFS= read -r line; do
    case $line in
      Fuzz*) names+=("$line") ;;
      "ok "*)
        for name in "${names[@]}"; do
          echo "$(awk '{print $2}' <<<"$line") $name"
        done
        names=()
        ;;
    esac
  done <<<"$list"
}

# prepare builds what the gates need (the tools; each package's test binary with the
# fuzzing instrumentation, by one run of one of its targets), so that CI can do it
# while make test runs. The three builds run side by side, to use what CPU make test
# leaves idle. It checks nothing: what fails here, the gates report.
prepare() {
  local ok=0
  tool "$STATICCHECK" -version >/dev/null &
  local staticcheck=$!
  tool "$GOSEC" -version >/dev/null &
  local gosec=$!
  (
    targets=$(fuzz_targets) || exit 1
    seen=" "
    while read -r pkg name; do
      case $seen in *" $pkg "*) continue ;; esac
      seen="$seen$pkg "
      go test -run '^$' -fuzz "^${name}\$" -fuzztime 1x "$pkg" >/dev/null 2>&1
    done <<<"$targets"
    go vet ./... >/dev/null 2>&1
  ) &
  local fuzz=$!
  wait $staticcheck || ok=1
  wait $gosec || ok=1
  wait $fuzz || ok=1
  return $ok
}

gofmt_clean() {
  local out
  out=$(gofmt -l functions infra shared) || return 1
  [ -z "$out" ] && return 0
  echo "$out"
  echo "   gofmt needed on the files above (make fmt)"
  return 1
}

# fuzz_one <package> <target>: one target for FUZZTIME. A finding writes its input to
# the package's testdata/fuzz/<target>/ (check it in as a test case and fix the
# cause). Go 1.26's fuzzer may end a clean run with a bare "context deadline
# exceeded" when the time is up (golang/go#75804, fixed in Go 1.27): without a
# written input that is no finding, and the seed corpus is replayed to be sure.
fuzz_one() {
  local pkg=$1 name=$2 log
  log=$(mktemp)
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1
  local rc=$?
  if [ $rc -ne 0 ] && grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written to' "$log"; then
    echo "   $name: the fuzzer stopped at its deadline (golang/go#75804); replaying the corpus"
    go test -count=1 -run "^${name}\$" "$pkg" >"$log" 2>&1
    rc=$?
  fi
  if [ $rc -ne 0 ]; then
    grep -v '^fuzz: elapsed' "$log"
  fi
  rm -f "$log"
  return $rc
}

fuzz_all() {
  local targets pkg name ok=0 n=0
  targets=$(fuzz_targets) || return 1
  while read -r pkg name; do
    [ -n "$name" ] || continue
    n=$((n + 1))
    if fuzz_one "$pkg" "$name"; then
      echo "   $name ($pkg) ok"
    else
      echo "   $name ($pkg) FAILED"
      failed+=("fuzz $name ($pkg)")
      ok=1
    fi
  done <<<"$targets"
  echo "   $n fuzz targets, $FUZZTIME each"
  [ "$n" -gt 0 ] || { echo "   no fuzz targets found"; return 1; }
  return $ok
}

for g in "${gates[@]}"; do
  case $g in
    gofmt) gate gofmt gofmt_clean ;;
    vet) gate "go vet" go vet ./... ;;
    prepare) gate prepare prepare ;;
    staticcheck) gate staticcheck tool "$STATICCHECK" ./... ;;
    gosec)
      gate gosec tool "$GOSEC" -quiet -color=false -nosec-require-rules -nosec-require-justification \
        -exclude-dir=.venv -exclude-dir=.build -exclude-dir=.aws-sam ./...
      ;;
    tidy) gate "go mod tidy" go mod tidy -diff ;;
    checkov) gate checkov "$CHECKOV" --config-file infra/checkov.yaml ;;
    fuzz)
      # Each failing target is named on its own; the gate line only counts once.
      before=${#failed[@]}
      gate fuzz fuzz_all
      if [ ${#failed[@]} -gt $((before + 1)) ]; then
        unset 'failed[-1]'
      fi
      ;;
    *)
      echo "unknown gate $g (gates: ${all[*]}; or prepare)" >&2
      exit 2
      ;;
  esac
done

echo
if [ ${#failed[@]} -eq 0 ]; then
  echo "checks: all $passed gates passed"
  exit 0
fi
echo "checks: $passed passed, ${#failed[@]} FAILED:"
for f in "${failed[@]}"; do
  echo "  - $f"
done
exit 1
