#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 5s each): the JSON decoding of every
# chaincode entry point and the Merkle proof checks must never panic.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-5s}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(' "$dir"/*_test.go 2>/dev/null | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/' | sort -u); do
    echo "fuzz $pkg $target ($fuzztime)"
    go test -run=NONE -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg" >/tmp/pdl-fuzz.log 2>&1 || { cat /tmp/pdl-fuzz.log; exit 1; }
  done
done
