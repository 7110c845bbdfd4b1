#!/usr/bin/env bash
# staticcheck at a pinned version, built once into the cache (outside the clone).
set -euo pipefail
cd "$(dirname "$0")/.."
ver=v0.8.2 # staticcheck 2026.2.2
bin=${PDL_HOME:-$HOME/.cache/pdledger}/tools/staticcheck-$ver
if [[ ! -x $bin ]]; then
  echo "building staticcheck $ver"
  GOBIN=$(dirname "$bin") go install "honnef.co/go/tools/cmd/staticcheck@$ver"
  mv "$(dirname "$bin")/staticcheck" "$bin"
fi
"$bin" ./...
"$bin" -tags integration ./...
"$bin" -tags policytexts ./chaincode/policy/
