#!/usr/bin/env bash
# Times dpl4j (this checkout), optionally an older dpl4j jar (DJL_JAR=...), and the official PyTorch
# code (../shared/bench/bench_peer.py) one after the other on the same machine, with the same
# ViT-B/16 dimensions and random weights, so that speed claims are ratios from one run.
# Run it on an idle machine (no other jobs: with 2 cores any load inflates every figure).
# Usage: scripts/bench-side-by-side.sh [OUT_DIR]   (CLASSES=10 STEPS=2 WARMUP=1 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/bench-side-by-side}"
mkdir -p "$out"
classes="${CLASSES:-10}"; steps="${STEPS:-2}"; warmup="${WARMUP:-1}"
shared="${DPL4J_SHARED:-../shared}"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load before: $(load)" | tee "$out/load.txt"
# the launcher sets OMP_WAIT_POLICY=PASSIVE and OPENBLAS_THREAD_TIMEOUT=10 for dpl4j; the same for the others
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=10 MKL_CBWR=AUTO,STRICT
./dpl4j bench -q --json --classes "$classes" --attention fused --precision fp32 --warmup "$warmup" --steps "$steps" \
    > "$out/dpl4j.json"
echo "load after dpl4j: $(load)" | tee -a "$out/load.txt"
if [[ -n "${DJL_JAR:-}" ]]; then
    # the DJL versions' bench prints a table (no --json)
    java -Xmx8g -Dai.djl.offline=true -jar "$DJL_JAR" bench -q --classes "$classes" --attention fused \
        --warmup "$warmup" --steps "$steps" > "$out/djl.txt" 2> "$out/djl.err" || cat "$out/djl.err" >&2
    echo "load after djl: $(load)" | tee -a "$out/load.txt"
fi
/usr/bin/python3 "$shared/bench/bench_peer.py" --classes "$classes" --steps "$steps" --warmup "$warmup" \
    > "$out/peer.jsonl" 2> "$out/peer.err"
echo "load after peer: $(load)" | tee -a "$out/load.txt"
echo "wrote $out/{dpl4j.json,djl.txt,peer.jsonl,load.txt}"
