#!/usr/bin/env bash
# Times `dpl4j predict --run RUN IMAGE` end to end (JVM start included) three times with
# /usr/bin/time, and prints predict's own breakdown (--timing: JVM start to the command, run.json,
# model load, prompts load, class text features, image decode+preprocess, image encode) of each run.
# Run it on an idle machine: with 2 cores any other load inflates every figure.
#
# Usage: scripts/predict-timing.sh RUN IMAGE [-- EXTRA PREDICT OPTIONS]
#   DPL4J=/path/to/checkout/dpl4j   the launcher to time (default: this checkout's ./dpl4j), e.g. an
#                                   older build for a before/after comparison; a launcher whose predict
#                                   has no --timing is timed end to end only
#   RUNS=3                          how many timed runs
set -euo pipefail
if [[ $# -lt 2 ]]; then
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
run="$1"; image="$2"; shift 2
[[ "${1:-}" == "--" ]] && shift
here="$(cd "$(dirname "$0")/.." && pwd -P)"
dpl4j="${DPL4J:-$here/dpl4j}"
runs="${RUNS:-3}"
load() { cut -d' ' -f1-3 /proc/loadavg; }
tmp="$(mktemp -d "${TMPDIR:-/tmp}/predict-timing.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# an untimed call first: the launcher builds its jar here if it is stale, and the jar, the natives and
# the model file come into the page cache, so every timed run starts the same way
"$dpl4j" predict --help > "$tmp/help.txt" 2>&1 || { cat "$tmp/help.txt" >&2; exit 1; }
timing=()
grep -q -- '--timing' "$tmp/help.txt" && timing=(--timing)
"$dpl4j" predict -q --run "$run" "$@" "$image" > /dev/null 2>&1 || true

echo "launcher: $dpl4j ($( [[ ${#timing[@]} -gt 0 ]] && echo "with --timing" || echo "no --timing: end to end only" ))"
echo "run: $run   image: $image   cores: $(nproc)   load before: $(load)"
walls=()
for i in $(seq 1 "$runs"); do
    /usr/bin/time -f %e -o "$tmp/wall.$i" "$dpl4j" predict -q "${timing[@]}" --run "$run" "$@" "$image" \
        > "$tmp/out.$i" 2> "$tmp/err.$i" || { cat "$tmp/err.$i" >&2; exit 1; }
    wall="$(tail -n 1 "$tmp/wall.$i")"
    walls+=("$wall")
    echo "--- run $i: ${wall} s wall (JVM start to exit), load $(load)"
    grep '^timing' "$tmp/err.$i" || true
    sed -n '2p' "$tmp/out.$i" | sed 's/^/top-1: /'
done
sorted="$(printf '%s\n' "${walls[@]}" | sort -g | paste -sd' ')"
echo "wall seconds, sorted: $sorted   (median $(printf '%s\n' "${walls[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p"))"
echo "load after: $(load)"
