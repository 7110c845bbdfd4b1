# PDLedger: `make up` starts the network, chaincode, explorer and demo data;
# `make test` runs every test against a live network (starting one if none runs).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help up down status test unit integration deploy upgrade install-fabric tools bench fuzz test-policy-texts

help:
	@echo "make up        start network + chaincode + explorer + demo data"
	@echo "make test      vet, unit tests, then integration tests on a live network"
	@echo "make down      stop everything make up started and remove .run/"
	@echo "make status    processes, heights and Raft state"
	@echo "make upgrade   rebuild the chaincode and commit sequence+1 (state kept)"
	@echo "make bench     benchmarks on the live network"

install-fabric:
	@bash scripts/install-fabric.sh

tools:
	@bash scripts/build-tools.sh

up: install-fabric tools
	@bash scripts/up.sh

down: tools
	@bash scripts/down.sh

status: tools
	@.bin/pdlnet status

deploy: tools
	@.bin/pdlnet deploy

upgrade: tools
	@.bin/pdlnet deploy -upgrade

test: install-fabric tools
	@bash scripts/test.sh

unit:
	@bash scripts/test.sh unit

integration: install-fabric tools
	@bash scripts/test.sh integration

bench: install-fabric tools
	@bash scripts/bench

# The preset quotes checked verbatim against the policy texts (not in the repository):
# PDL_POLICY_TEXTS names their directory; the suite fails when a text is missing.
test-policy-texts:
	@go test -count=1 -tags policytexts -run TestProfile_QuotesAppearInSeed -v ./chaincode/policy/

fuzz:
	@bash scripts/fuzz.sh
