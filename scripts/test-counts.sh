#!/usr/bin/env bash
# Sums the Surefire XML reports: tests run, failures, errors, skipped, and names the skipped tests.
# Usage: scripts/test-counts.sh [target/surefire-reports]
set -euo pipefail
dir="${1:-target/surefire-reports}"
shopt -s nullglob
files=("$dir"/TEST-*.xml)
if [ ${#files[@]} -eq 0 ]; then
    echo "test counts: no Surefire reports in $dir" >&2
    exit 1
fi
# the <testsuite ...> element's attributes; one suite per file
awk -v classes=${#files[@]} '
  /<testsuite / {
    for (k in a) delete a[k]
    n = split($0, parts, " ")
    for (i = 1; i <= n; i++) if (split(parts[i], kv, "=") == 2) { gsub(/"|>/, "", kv[2]); a[kv[1]] = kv[2] }
    t += a["tests"]; f += a["failures"]; e += a["errors"]; s += a["skipped"]
  }
  END { printf "test counts: %d tests, %d failures, %d errors, %d skipped (%d test classes)\n", t, f, e, s, classes }
' "${files[@]}"
# which tests skipped, with the reason Surefire recorded
grep -l "<skipped" "${files[@]}" 2>/dev/null | while read -r f; do
    awk '/<testcase /{match($0, /name="[^"]*"/); name=substr($0, RSTART+6, RLENGTH-7); match($0, /classname="[^"]*"/); cls=substr($0, RSTART+11, RLENGTH-12)}
         /<skipped/{msg=""; if (match($0, /message="[^"]*"/)) msg=substr($0, RSTART+9, RLENGTH-10); print "  skipped: " cls "." name (msg=="" ? "" : " (" msg ")")}' "$f"
done
