#!/usr/bin/env bash
# Renders a dpl4j HTML report in headless Chromium and saves a screenshot, to check that the
# page (inline CSS, embedded PNG charts) actually displays — something HTML-string tests cannot
# see. Fails when Chromium is missing or the screenshot is missing, empty or not a PNG.
#
#   scripts/check-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]     (default 1280x3000)
#
# Chromium: /usr/bin/chromium (Debian: apt-get install -y chromium), or $CHROMIUM.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT]" >&2
  exit 2
fi
report=$1
out=$2
size=${3:-1280x3000}
chromium=${CHROMIUM:-/usr/bin/chromium}

if [[ ! -x $chromium ]]; then
  echo "check-report: $chromium not found (apt-get install -y chromium, or set CHROMIUM)" >&2
  exit 3
fi
if [[ ! -s $report ]]; then
  echo "check-report: report $report is missing or empty" >&2
  exit 1
fi
if [[ ! $size =~ ^[0-9]+x[0-9]+$ ]]; then
  echo "check-report: size must look like 1280x3000, got $size" >&2
  exit 2
fi

report_abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
mkdir -p "$(dirname "$out")"
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT
rm -f "$out_abs"

# A fresh profile and no background services: the page is local and needs no network.
if ! timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --screenshot="$out_abs" \
    --window-size="${size/x/,}" "file://$report_abs" >"$log" 2>&1; then
  echo "check-report: chromium failed; its output:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi

if [[ ! -s $out_abs ]]; then
  echo "check-report: no screenshot written to $out_abs; chromium said:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
if [[ $(head -c 8 "$out_abs" | od -An -tx1 | tr -d ' \n') != 89504e470d0a1a0a ]]; then
  echo "check-report: $out_abs is not a PNG" >&2
  exit 1
fi
echo "check-report: $out_abs ($(stat -c %s "$out_abs") bytes)"
