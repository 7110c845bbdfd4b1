#!/usr/bin/env bash
# make down: stop exactly the processes make up started (by pid) and remove .run/.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x .bin/pdlnet ]] || bash scripts/build-tools.sh
.bin/pdlnet down
