#!/usr/bin/env bash
# Builds the project's own commands into .bin/ (pdlnet runs the network and its
# supervisor; it must outlive `go run`, so it is a real binary).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .bin
go build -o .bin/pdlnet ./network/cmd/pdlnet
if [[ -d client/cmd/pdl ]]; then go build -o .bin/pdl ./client/cmd/pdl; fi
if [[ -d explorer-api/cmd/explorer ]]; then go build -o .bin/explorer ./explorer-api/cmd/explorer; fi
go build -o .bin/pdl-ca ./client/cmd/pdl-ca
