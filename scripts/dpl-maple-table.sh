#!/usr/bin/env bash
# Issue 20's table: zero-shot CLIP, MaPLe, DPL and DPL-MaPLe (a maple search, then MaPLe trained on its
# layout) on the shared dtd and oxford_pets with the bundled small model, 16 shots, seeds 1-3, mean ± 95 % CI;
# then per dataset and seed the searched layouts and what each search cost next to MaPLe's training.
# Run it on an idle machine; re-running the same command resumes (finished units are reused).
#
# Usage: scripts/dpl-maple-table.sh [OUT_DIR]          (default runs/dpl-maple-table)
# Settings (environment; defaults sized for about 20 minutes on 2 cores, see below):
#   SEARCH_EPOCHS=10  both searches (DPL's default is 60)
#   EPOCHS=5          every trained unit: MaPLe's published 5; DPL's train stage is cut from its default 40
#   SEEDS=1,2,3  SHOTS=16  DATASETS=dtd,oxford_pets  MODEL=models/dpl4j-small  ROOT=../shared/datasets
#   WORKERS=2 (decoding threads)
#
# Time estimate (measured on this 2-core machine, shared with other jobs, dpl4j-small, dtd 16 shots =
# 40 steps per epoch): one epoch of DPL's search 8.9 s, of the maple search 14.4 s, of MaPLe's training 2.9 s,
# of DPL's training 2.7 s, plus about 2 s per test evaluation; oxford_pets (3 classes, 12 steps per epoch) costs
# about 0.3 of dtd. Per dtd seed: 10·(8.9 + 14.4) + 5·(2.9 + 2.7) + 4·2 ≈ 270 s; all 6 units of seeds ≈
# 3·1.3·270 s ≈ 17.5 min, plus JVM start and model load: about 18-20 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/dpl-maple-table}"
search_epochs="${SEARCH_EPOCHS:-10}"
epochs="${EPOCHS:-5}"
seeds="${SEEDS:-1,2,3}"
shots="${SHOTS:-16}"
datasets="${DATASETS:-dtd,oxford_pets}"
model="${MODEL:-models/dpl4j-small}"
root="${ROOT:-${DPL4J_SHARED:-../shared}/datasets}"
workers="${WORKERS:-2}"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
mkdir -p "$(dirname "$out")"
start=$(date +%s)
./dpl4j run -q --model "$model" --datasets "$datasets" --root "$root" --shots "$shots" --seeds "$seeds" \
    --baselines zeroshot,maple,dpl-maple --search-epochs "$search_epochs" --epochs "$epochs" --workers "$workers" \
    --out "$out" > "$out.table.txt"
end=$(date +%s)
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo "== dpl4j run: $datasets, $shots shots, seeds $seeds, $model; search epochs $search_epochs, train epochs $epochs"
echo "== test top-1 (mean ± 95 % CI over seeds)"
cat "$out.table.txt"
echo
echo "== searched layouts and cost (seconds: sum of the epochs' times in metrics.jsonl; evaluation excluded)"
/usr/bin/env python3 - "$out" "$datasets" "$seeds" <<'EOF'
import json, os, sys
out, datasets, seeds = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")

def seconds(d):
    f = os.path.join(d, "metrics.jsonl")
    if not os.path.exists(f):
        return float("nan")
    return sum(json.loads(l).get("seconds", 0) for l in open(f) if l.strip())

def layout(d):
    f = os.path.join(d, "prompt-config.json")
    if not os.path.exists(f):
        return "-"
    c = json.load(open(f))
    return "ctx %d text %s image %s" % (c.get("context", 0), c["text"], c["image"])

def top1(d):
    f = os.path.join(d, "metrics.json")
    return json.load(open(f))["test"]["top1"] if os.path.exists(f) else float("nan")

rows = []
for ds in datasets:
    for s in seeds:
        base = os.path.join(out, ds, "seed" + s)
        rows.append((ds, s, layout(os.path.join(base, "search-maple")), layout(os.path.join(base, "search")),
                     seconds(os.path.join(base, "search-maple")), seconds(os.path.join(base, "search")),
                     seconds(os.path.join(base, "maple")), seconds(os.path.join(base, "dpl-maple")),
                     top1(os.path.join(base, "maple")), top1(os.path.join(base, "dpl-maple"))))
for r in rows:
    print("%s seed %s\n  dpl-maple layout: %s\n  dpl layout:       %s" % (r[0], r[1], r[2], r[3]))
    print("  seconds: maple search %.1f | dpl search %.1f | maple train %.1f | dpl-maple train %.1f"
          "  (maple search / maple train = %.1fx)" % (r[4], r[5], r[6], r[7], r[4] / r[6] if r[6] else float("nan")))
    print("  top-1: maple %.2f  dpl-maple %.2f" % (r[8], r[9]))
for ds in datasets:
    m = [r for r in rows if r[0] == ds]
    d = [r[9] - r[8] for r in m]
    print("%s: dpl-maple - maple = %s (mean %+.2f) -> %s" % (ds, ", ".join("%+.2f" % x for x in d), sum(d) / len(d),
          "DPL-MaPLe beats MaPLe" if sum(d) > 0 else "DPL-MaPLe does NOT beat MaPLe"))
EOF
echo "wall time of dpl4j run: $((end - start)) s"
