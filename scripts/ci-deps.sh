#!/usr/bin/env bash
# System packages the test suite needs on a fresh machine: PostgreSQL for the explorer's
# store tests; Debian's Chromium, NSS tools (the browser's certificate store) and CJK fonts
# for the console's browser tests (without the fonts Chinese renders as boxes in the
# screenshots). Installs only what is missing.
set -euo pipefail
need=() ui=()
command -v pg_ctlcluster >/dev/null 2>&1 || [[ -x /usr/lib/postgresql/15/bin/postgres ]] || need+=(postgresql)
[[ -x /usr/lib/chromium/chromium ]] || ui+=(chromium)
{ command -v certutil && command -v pk12util; } >/dev/null 2>&1 || ui+=(libnss3-tools)
[[ -n $(fc-list :lang=zh 2>/dev/null) ]] || ui+=(fonts-noto-cjk)
if ((${#need[@]} + ${#ui[@]})); then
  echo "ci-deps: installing ${need[*]} ${ui[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [[ $(id -u) == 0 ]] || SUDO=sudo
  $SUDO apt-get update -qq
  if ((${#need[@]})); then $SUDO apt-get install -y -qq "${need[@]}" >/dev/null; fi
  # the browser without its recommends (~130 MB instead of several hundred)
  if ((${#ui[@]})); then $SUDO apt-get install -y -qq --no-install-recommends "${ui[@]}" >/dev/null; fi
fi
