#!/usr/bin/env bash
# make test: static checks and unit tests, then the integration suite against a live
# network. If no network runs, it starts one (make up) and stops it afterwards, also when
# a test fails. Usage: scripts/test.sh [all|unit|integration]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
export PDL_HOME=${PDL_HOME:-$HOME/.cache/pdledger}

phase_start=0
phase() { phase_start=$(date +%s); echo; echo "=== $* ($(date +%T))"; }
phase_end() { echo "=== done in $(( $(date +%s) - phase_start ))s"; }

# PostgreSQL for the explorer's store tests (SQLite needs nothing): a throwaway cluster
# unless PDL_TEST_POSTGRES names one.
started=0
pg_started=0
if [[ -z ${PDL_TEST_POSTGRES:-} ]]; then
  # its own cluster, so a developer's (or a benchmark's) PostgreSQL is left alone
  export PDL_PG_DIR=/tmp/pdledger-pg-test PDL_PG_PORT=55433
  export PDL_TEST_POSTGRES=$(bash scripts/pg.sh start)
  pg_started=1
fi
cleanup() {
  rc=$?
  if [[ $started == 1 ]]; then
    echo; echo "=== stopping the network this test run started"
    if [[ $rc != 0 ]]; then .bin/pdlnet status || true; fi
    .bin/pdlnet down || true
  fi
  if [[ $pg_started == 1 ]]; then bash scripts/pg.sh stop; fi
  exit $rc
}
trap cleanup EXIT

if [[ $mode == all || $mode == unit ]]; then
  phase "static checks: gofmt, go vet, staticcheck"
  unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.run/*') 2>/dev/null || true)
  if [[ -n $unformatted ]]; then echo "gofmt needed:"; echo "$unformatted"; exit 1; fi
  go vet ./...
  go vet -tags integration ./...
  bash scripts/staticcheck.sh
  phase_end

  phase "unit tests"
  go test -count=1 ./...
  phase_end

  phase "fuzz (bounded)"
  bash scripts/fuzz.sh "${PDL_FUZZTIME:-5s}"
  phase_end
fi

if [[ $mode == all || $mode == integration ]]; then
  bash scripts/install-fabric.sh
  bash scripts/build-tools.sh
  if ! .bin/pdlnet status >/dev/null 2>&1; then
    phase "no network running: make up"
    bash scripts/up.sh
    started=1
    phase_end
  else
    echo "using the running network (it stays up)"
  fi
  phase "integration tests on the live network"
  # -p 1: packages share one network; fault tests must not overlap other suites.
  go test -tags integration -count=1 -p 1 -timeout 45m -v ./... 2>&1 | tee .run/integration.log | grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic)|_test.go:[0-9]+:' || true
  if ! grep -qE '^(ok|PASS)' .run/integration.log || grep -qE '^(FAIL|--- FAIL|panic)' .run/integration.log; then
    echo "integration tests FAILED (full log: .run/integration.log)"
    exit 1
  fi
  phase_end
fi
echo; echo "make test: all passed"
