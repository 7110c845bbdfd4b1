#!/usr/bin/env bash
# Loads the demo ledger (Longhua pilot history), then anchors three days of the
# operator's platform access log (three anchors, each with a consistency proof).
# Idempotent: re-running is harmless (the log is anchored only while the stream is empty).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x .bin/pdl ]] || bash scripts/build-tools.sh
RUN=${PDL_RUN:-$PWD/.run}
echo "==> demo data (Longhua seed)"
.bin/pdl demo load
# each jurisdiction channel of the default topology: its parties and catalogue
[[ -x .bin/pdlnet ]] || bash scripts/build-tools.sh
for ch in $(.bin/pdlnet channel list | awk 'NR > 1 { print $1 }'); do
  case $ch in
  luohu|futian|qinhuangdao|guangdong) echo "==> demo data of jurisdiction $ch"; .bin/pdl -q -C "$ch" demo load ;;
  esac
done
stream=lh-platform-access
size=$(.bin/pdl -q -p operator logs stream --id "$stream" -o json 2>/dev/null | sed -n 's/.*"size": *\([0-9]*\).*/\1/p' | head -1)
if [[ "${size:-0}" == "0" ]]; then
  logs="$RUN/demo-logs/files"; mkdir -p "$logs"
  for day in 2026-11-18 2026-11-19 2026-11-20; do
    f="$logs/access-$day.log"
    awk -v d="$day" 'BEGIN { for (i = 0; i < 2000; i++) printf "%sT%02d:%02d:%02d+08:00 app=lh-prd-0%d caller=bank-%03d op=score status=200 ms=%d\n", d, 8 + int(i / 200), int(i / 4) % 60, i % 60, 1 + i % 3, i % 37, 20 + (i * 7) % 180 }' > "$f"
  done
  .bin/pdl -q -p operator logs anchor --stream "$stream" --state "$RUN/demo-logs/state" --batch 0 "$logs"/access-*.log
  echo "    anchored $(cat "$logs"/access-*.log | wc -l) log lines in 3 anchors to stream $stream"
fi
