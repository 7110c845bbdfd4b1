#!/usr/bin/env bash
# Loads the demo ledger (Longhua pilot history). Idempotent: re-running is harmless.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x .bin/pdl ]] || bash scripts/build-tools.sh
echo "==> demo data (Longhua seed)"
.bin/pdl demo load
