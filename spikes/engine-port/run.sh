#!/usr/bin/env bash
# Attention-shaped matrix products on the new engine (this checkout) and on the former DJL engine
# (a checkout of commit 339ac99 built with `mvn -B -q package -DskipTests -Ddpl4j.noSpark`, DJL=its path).
# Usage: spikes/engine-port/run.sh [DJL_CHECKOUT]     (run on an idle machine)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; repo="$here/../.."; djl="${1:-}"
cd "$repo"; mvn -B -q dependency:build-classpath -Dmdep.outputFile=/tmp/engine-port-cp.txt -Ddpl4j.noSpark >/dev/null
cp="target/classes:$(cat /tmp/engine-port-cp.txt)"; out=$(mktemp -d)
javac -cp "$cp" -d "$out" "$here/BatchedProducts.java" "$here/SdpaVsExplicit.java"
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=10
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in "2 2" "2 1" "1 1"; do java -cp "$out:$cp" BatchedProducts $t | tail -1; done
for t in "2 1" "2 2"; do java -cp "$out:$cp" SdpaVsExplicit $t | tail -1; done
if [[ -n "$djl" ]]; then
    javac -cp "$djl/target/lib/*" -d "$out" "$here/DjlBatchedProducts.java"
    java -Dai.djl.offline=true -cp "$out:$djl/target/lib/*" DjlBatchedProducts | tail -1
fi
