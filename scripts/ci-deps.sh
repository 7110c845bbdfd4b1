#!/usr/bin/env bash
# System packages the test suite needs on a fresh machine (PostgreSQL for the explorer's
# store tests). Installs only what is missing.
set -euo pipefail
need=()
command -v pg_ctlcluster >/dev/null 2>&1 || [[ -x /usr/lib/postgresql/15/bin/postgres ]] || need+=(postgresql)
if ((${#need[@]})); then
  echo "ci-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [[ $(id -u) == 0 ]] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
