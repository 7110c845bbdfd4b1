#!/usr/bin/env bash
# make test: static checks and unit tests, then the integration suite against a live
# network. If no network runs, it starts one (make up) and stops it afterwards, also when
# a test fails. Usage: scripts/test.sh [all|unit|integration]
#
# Every phase's output is kept in reports/test-<UTC time>/ (outside .run/, which make down
# removes). On success that directory is removed; on failure it stays with the network's
# logs and status (network/, status.txt), and the terminal shows where and the failing
# test's last lines.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
export PDL_HOME=${PDL_HOME:-$HOME/.cache/pdledger}
source scripts/lib/evidence.sh

logdir=reports/test-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$logdir"

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
failed_phase=""
cleanup() {
  rc=$?
  if [[ $rc != 0 ]]; then
    # the network's evidence before anything is stopped
    if [[ -x .bin/pdlnet ]]; then .bin/pdlnet evidence -dir "$logdir" "make-test" >/dev/null 2>&1 || true; fi
  fi
  if [[ $started == 1 ]]; then
    echo; echo "=== stopping the network this test run started"
    .bin/pdlnet down || true
  fi
  if [[ $pg_started == 1 ]]; then bash scripts/pg.sh stop; fi
  if [[ $rc == 0 ]]; then
    rm -rf "$logdir"
    rmdir reports 2>/dev/null || true
  else
    echo
    echo "make test FAILED${failed_phase:+ in $failed_phase}; evidence kept in $logdir/"
    echo "  (phase logs *.log, network/logs/<process>.log, status.txt; make down does not remove it)"
  fi
  exit $rc
}
trap cleanup EXIT

# run_phase NAME LOG CMD...: runs CMD with its output on the terminal and in LOG; a
# failure ends the script (set -e, pipefail) with the phase named by the exit trap.
run_phase() {
  failed_phase=$1
  local log=$2
  shift 2
  "$@" 2>&1 | tee "$logdir/$log"
  failed_phase=""
}

if [[ $mode == all || $mode == unit ]]; then
  phase "static checks: gofmt, go vet, staticcheck"
  static() {
    unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.run/*') 2>/dev/null || true)
    if [[ -n $unformatted ]]; then echo "gofmt needed:"; echo "$unformatted"; return 1; fi
    go vet ./... && go vet -tags integration ./... && go vet -tags policytexts ./chaincode/policy/ && bash scripts/staticcheck.sh
  }
  run_phase "static checks" static.log static
  phase_end

  phase "unit tests"
  run_phase "unit tests" unit.log go test -count=1 ./...
  phase_end

  # The preset quotes against the policy texts, which are not in the repository: a
  # separate suite (make test-policy-texts), run here whenever the texts are found.
  texts=${PDL_POLICY_TEXTS:-$(cd .. && pwd)/shared/seeds}
  if [[ -d $texts ]]; then
    phase "policy quotes against the texts in $texts"
    run_phase "policy quotes" policy-texts.log env PDL_POLICY_TEXTS="$texts" go test -count=1 -tags policytexts -run TestProfile_QuotesAppearInSeed ./chaincode/policy/
    phase_end
  else
    echo "policy texts not found at $texts: the quote suite is not part of this run (make test-policy-texts PDL_POLICY_TEXTS=DIR)"
  fi

  phase "fuzz (bounded)"
  run_phase "fuzz" fuzz.log bash scripts/fuzz.sh "${PDL_FUZZTIME:-2000x}"
  phase_end
fi

if [[ $mode == all || $mode == integration ]]; then
  bash scripts/install-fabric.sh
  bash scripts/build-tools.sh
  if ! .bin/pdlnet status >/dev/null 2>&1; then
    phase "no network running: make up"
    started=1
    run_phase "make up" up.log bash scripts/up.sh
    phase_end
  else
    echo "using the running network (it stays up)"
    # a network started by hand may still be converging: the same gate as make up
    run_phase "readiness" ready.log .bin/pdlnet ready
  fi
  phase "integration tests on the live network"
  failed_phase="integration tests"
  # -p 1: packages share one network; fault tests must not overlap other suites.
  go test -tags "integration ${PDL_IT_TAGS:-}" -count=1 -p 1 -timeout 45m -v ${PDL_IT_PKGS:-./...} 2>&1 | tee "$logdir/integration.log" | grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic)|_test.go:[0-9]+:' || true
  if ! integration_passed "$logdir/integration.log"; then
    echo
    echo "integration tests FAILED; the failing tests' last lines:"
    failing_tail "$logdir/integration.log" 40
    exit 1
  fi
  failed_phase=""
  phase_end
fi
echo; echo "make test: all passed"
