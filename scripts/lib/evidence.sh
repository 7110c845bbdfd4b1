# Helpers for reading a `go test -v` log; sourced by scripts/test.sh and scripts/soak.

# integration_passed LOG: true when the log has a passing package line and no failure.
integration_passed() {
  grep -qE '^(ok|PASS)' "$1" && ! grep -qE '^(FAIL|--- FAIL|panic)' "$1"
}

# failing_tail LOG N: for each failed test (or a panic), its name and the last N lines of
# output that belong to it, so the terminal shows why without opening the log.
failing_tail() {
  local log=$1 n=${2:-40}
  awk -v n="$n" '
    /^=== (RUN|CONT|PAUSE|NAME)/ { cur = $3 }
    { if (cur != "") { buf[cur] = buf[cur] $0 "\n"; cnt[cur]++ } }
    /^[[:space:]]*--- FAIL: / {
      name = $3
      if (!(name in shown)) {
        shown[name] = 1
        print "----- " name " (last " n " lines) -----"
        split(buf[name], lines, "\n")
        total = cnt[name]
        start = total - n + 1; if (start < 1) start = 1
        for (i = start; i <= total; i++) print lines[i]
      }
    }
    /^panic:/ { print "----- panic -----"; p = 1 }
    p { print; if (++pc > n) p = 0 }
  ' "$log"
}
