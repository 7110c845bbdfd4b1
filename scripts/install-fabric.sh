#!/usr/bin/env bash
# Builds the Fabric 2.5.0 and Fabric CA 1.5.15 binaries from the Go module proxy into a cache
# outside the clone. The proxy refuses module-list queries and v2 tags for Hyperledger
# modules, so `go install pkg@version` cannot be used: we build from a scratch module that
# pins the exact (pseudo-)versions. Idempotent: a stamp file records what was built.
set -euo pipefail

FABRIC_MOD=github.com/hyperledger/fabric
FABRIC_VER=v1.4.0-rc1.0.20230401164317-bd8e24856939 # == tag v2.5.0
CA_MOD=github.com/hyperledger/fabric-ca
CA_VER=v1.5.15

PDL_HOME=${PDL_HOME:-$HOME/.cache/pdledger}
DEST=$PDL_HOME/fabric-2.5.0
BIN=$DEST/bin
STAMP=$DEST/.stamp
WANT="fabric=$FABRIC_VER ca=$CA_VER"
TOOLS=(peer orderer configtxgen cryptogen osnadmin fabric-ca-server fabric-ca-client)

have_all() {
  [[ -f $STAMP && "$(cat "$STAMP")" == "$WANT" ]] || return 1
  local t
  for t in "${TOOLS[@]}"; do [[ -x $BIN/$t ]] || return 1; done
}

if have_all; then
  echo "install-fabric: binaries present in $BIN ($WANT)"
  exit 0
fi

command -v go >/dev/null || { echo "install-fabric: Go is required (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$BIN"
start=$(date +%s)

build() { # name module version packages...
  local name=$1 mod=$2 ver=$3
  shift 3
  local dir=$DEST/src/$name
  rm -rf "$dir"
  mkdir -p "$dir"
  {
    echo "module pdledger.local/build/$name"
    echo
    echo "go 1.22"
    echo
    echo "require $mod $ver"
  } >"$dir/go.mod"
  {
    echo "//go:build tools"
    echo
    echo "package tools"
    echo
    echo "import ("
    local p
    for p in "$@"; do echo "	_ \"$p\""; done
    echo ")"
  } >"$dir/tools.go"
  echo "install-fabric: resolving $mod@$ver (first run downloads the module graph)"
  (cd "$dir" && GOFLAGS=-mod=mod go mod tidy)
  echo "install-fabric: building $* (about 80 s cold)"
  (cd "$dir" && GOBIN=$BIN GOFLAGS=-mod=mod go install "$@")
}

build fabric "$FABRIC_MOD" "$FABRIC_VER" \
  $FABRIC_MOD/cmd/peer $FABRIC_MOD/cmd/orderer $FABRIC_MOD/cmd/configtxgen \
  $FABRIC_MOD/cmd/cryptogen $FABRIC_MOD/cmd/osnadmin
build fabric-ca "$CA_MOD" "$CA_VER" \
  $CA_MOD/cmd/fabric-ca-server $CA_MOD/cmd/fabric-ca-client

# Fabric's sample configs ship inside the module; keep a copy next to the binaries so the
# network scripts can read defaults without knowing the module cache layout.
modcache=$(go env GOMODCACHE)
rm -rf "$DEST/sampleconfig"
cp -r "$modcache/$FABRIC_MOD@$FABRIC_VER/sampleconfig" "$DEST/sampleconfig"
chmod -R u+w "$DEST/sampleconfig"

echo "$WANT" >"$STAMP"
echo "install-fabric: done in $(($(date +%s) - start)) s -> $BIN"
"$BIN/peer" version | head -3
