#!/usr/bin/env bash
# Runs a spike class with the bundled natives. OpenBLAS must not start its own thread pool: PyTorch
# calls sgemm from inside its OpenMP workers (SDPA, small products) and the two pools thrash on a
# shared 2-core box (fp32 SDPA was 20-200x slower). Passive OpenMP waiting avoids stalls under load.
set -euo pipefail
cd "$(dirname "$0")"
[[ -f cp.txt && -d target/classes ]] || { mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=cp.txt; }
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
cls="$1"; shift
exec java -Xmx2g -cp "target/classes:$(cat cp.txt)" "spike.$cls" "$@"
