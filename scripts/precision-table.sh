#!/usr/bin/env bash
# Issue 24's check that bf16 can stay a default: the protocol of scripts/paper-table.sh (shared dtd and
# oxford_pets, bundled small model, 16 shots, seeds 1-3; 10 search and 10 train epochs unless set) once in
# fp32 and once in bf16, then one table side by side: for every dataset and method the fp32 mean ± 95 % CI
# (util.MeanCi's definition, as every dpl4j table), the bf16 mean, and whether it falls inside fp32's
# interval. On a CPU without AVX512-BF16 or AMX the bf16 run is emulated (about 20x slower; `dpl4j doctor`
# says which). Re-running resumes both runs; the comparison alone: COMPARE_ONLY=1.
#
# Usage: scripts/precision-table.sh [OUT_PREFIX]      (default runs/precision: runs/precision-fp32, -bf16)
# Settings (environment): SEARCH_EPOCHS=10 EPOCHS=10, and those of paper-table.sh (SEEDS, DATASETS, MODEL, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-runs/precision}"
export SEARCH_EPOCHS="${SEARCH_EPOCHS:-10}" EPOCHS="${EPOCHS:-10}"
if [ -z "${COMPARE_ONLY:-}" ]; then
  for p in fp32 bf16; do
    echo "== $p" >&2
    EXTRA="--precision $p ${EXTRA:-}" bash scripts/paper-table.sh "$prefix-$p" > "$prefix-$p.txt"
  done
fi
/usr/bin/env python3 - "$prefix-fp32/results.json" "$prefix-bf16/results.json" <<'PY'
import json, math, sys
def load(f):
    cells = {}
    for r in json.load(open(f))["rows"]:
        if r.get("top1") is not None and math.isfinite(r["top1"]):
            cells.setdefault((r["dataset"], r["method"]), {})[r["seed"]] = r["top1"]
    return cells
def mean_ci(v):  # util.MeanCi: 1.96 * population std / sqrt(n)
    m = sum(v) / len(v)
    return m, 1.96 * math.sqrt(sum((x - m) ** 2 for x in v) / len(v)) / math.sqrt(len(v))
fp32, bf16 = load(sys.argv[1]), load(sys.argv[2])
print("| dataset | method | fp32 top-1 (mean ± 95 % CI) | bf16 top-1 | bf16 − fp32 | within fp32's CI | same seeds |")
print("|---|---|---|---|---|---|---|")
outside = 0
for key in sorted(fp32, key=lambda k: (k[0], list(fp32).index(k))):
    if key not in bf16:
        print("| %s | %s | — | missing | | | |" % key); outside += 1; continue
    seeds = sorted(set(fp32[key]) & set(bf16[key]))
    m32, ci = mean_ci([fp32[key][s] for s in seeds])
    m16, _ = mean_ci([bf16[key][s] for s in seeds])
    ok = abs(m16 - m32) <= ci + 1e-9
    outside += not ok
    print("| %s | %s | %.2f ± %.2f | %.2f | %+.2f | %s | %s |" % (key[0], key[1], m32, ci, m16, m16 - m32,
          "yes" if ok else "**no**", ",".join(map(str, seeds))))
print()
print("%d of %d cells outside fp32's interval" % (outside, len(fp32)))
PY
