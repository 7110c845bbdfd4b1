#!/usr/bin/env bash
# make up: Fabric binaries (cached) -> network -> chaincode -> explorer -> demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-fabric.sh
bash scripts/build-tools.sh
.bin/pdlnet up
if [[ -x scripts/demo.sh ]]; then bash scripts/demo.sh; fi
if [[ -x scripts/explorer.sh ]]; then bash scripts/explorer.sh start; fi
