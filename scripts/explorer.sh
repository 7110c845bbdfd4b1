#!/usr/bin/env bash
# The explorer (block indexer + REST API) as a process of the run directory:
#   scripts/explorer.sh start|stop|status
# Its pid file sits with the network's, so `make down` stops it too.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${PDL_RUN:-$PWD/.run}
pidf="$RUN/pids/explorer.pid"
logf="$RUN/logs/explorer.log"
url=$(sed -n 's/.*"explorer": *"\([^"]*\)".*/\1/p' "$RUN/profiles/indexer.json" 2>/dev/null | head -1)
url=${url:-https://127.0.0.1:7080}
ca="$RUN/explorer/tls/ca.pem"

alive() { [[ -f "$pidf" ]] && kill -0 "$(cut -d' ' -f1 "$pidf")" 2>/dev/null; }

case "${1:-start}" in
start)
  if alive; then echo "explorer already running (pid $(cut -d' ' -f1 "$pidf"))"; exit 0; fi
  [[ -x .bin/explorer ]] || bash scripts/build-tools.sh
  mkdir -p "$RUN/pids" "$RUN/logs" "$RUN/explorer"
  echo "==> explorer (indexer + API) on $url"
  PDL_RUN="$RUN" setsid "$PWD/.bin/explorer" --profile "$RUN/profiles/indexer.json" >>"$logf" 2>&1 < /dev/null &
  echo "$! $PWD/.bin/explorer" > "$pidf"
  for i in $(seq 1 120); do
    if [[ -f "$ca" ]] && curl -sf --cacert "$ca" "$url/readyz" >/dev/null 2>&1; then
      echo "    explorer ready: index caught up ($(curl -s --cacert "$ca" "$url/readyz" | sed -n 's/.*"next":\([0-9]*\).*/\1/p') blocks); log $logf"
      echo "    try: curl --cacert $ca $url/api/v1/public/products"
      echo "    console (web, 中文): $url/console/ — public pages need no certificate; to log in as a party,"
      echo "      trust $ca in the browser (Authorities) and import an identity:"
      echo "      .bin/pdl -p sourceunit-user1 identity export --p12 su-fgj.p12 --password-file <file with 8+ chars>"
      exit 0
    fi
    alive || { echo "explorer exited; see $logf" >&2; tail -20 "$logf" >&2; exit 1; }
    sleep 0.5
  done
  echo "explorer not ready after 60 s; see $logf" >&2; exit 1 ;;
stop)
  if alive; then kill "$(cut -d' ' -f1 "$pidf")"; fi
  rm -f "$pidf" ;;
status)
  if alive; then curl -s --cacert "$ca" "$url/readyz"; echo; else echo "explorer not running"; exit 1; fi ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
