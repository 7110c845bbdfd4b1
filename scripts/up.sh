#!/usr/bin/env bash
# make up: Fabric binaries (cached) -> network -> chaincode -> explorer -> demo data.
# pdlnet up returns only when every org's gateway can collect an endorsement; the demo
# loader starts after that gate. On any failure the evidence (status, every process log)
# is copied to reports/, which make down does not remove.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-fabric.sh
bash scripts/build-tools.sh
.bin/pdlnet up # keeps its own evidence and stops what it started when it fails
on_error() {
  rc=$?
  dir=$(.bin/pdlnet evidence make-up 2>/dev/null || true)
  echo "make up FAILED after the network came up; evidence kept in ${dir:-reports/}" >&2
  echo "  the network is still running for inspection: make status, make down" >&2
  exit $rc
}
trap on_error ERR
if [[ -x scripts/demo.sh ]]; then bash scripts/demo.sh; fi
if [[ -x scripts/explorer.sh ]]; then bash scripts/explorer.sh start; fi
