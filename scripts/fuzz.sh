#!/usr/bin/env bash
# Runs every fuzz target for a bounded number of inputs (default 2000 each, a few seconds
# for the slowest): the JSON decoding of every chaincode entry point and the Merkle proof
# checks must never panic.
#
# A count, not a duration: with a duration Go's fuzz coordinator (go1.26) can report
# "context deadline exceeded" as a failure when the time runs out while a worker is busy
# on a loaded machine (golang/go#75804, fixed in Go 1.27), with no failing input found.
# A count has no deadline to race. A duration still works as the argument (e.g. 30s).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-2000x}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(' "$dir"/*_test.go 2>/dev/null | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/' | sort -u); do
    echo "fuzz $pkg $target ($fuzztime)"
    go test -run=NONE -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg" >/tmp/pdl-fuzz.log 2>&1 || { cat /tmp/pdl-fuzz.log; exit 1; }
  done
done
