#!/usr/bin/env bash
# Issue 23's table: the comparison DPL's paper makes, on the shared dtd and oxford_pets with the bundled
# small model, 16 shots, seeds 1-3, test top-1 mean ± 95 % CI: zero-shot CLIP, CoOp, CoCoOp, IVLP, deep VPT,
# MaPLe, PromptSRC (the published methods, each in its own mechanism), DPL, DPL-MaPLe and DPL-PromptSRC;
# then the searches' cost next to the training cost. Run it on an idle machine; re-running resumes.
#
# Usage: scripts/paper-table.sh [OUT_DIR]          (default runs/paper-table)
# Settings (environment):
#   SEARCH_EPOCHS=10  the three searches (DPL's default is 60)
#   EPOCHS=5          every trained unit (overrides the published 5 of MaPLe/IVLP/VPT, 10 of CoCoOp, 50 of
#                     PromptSRC, whose GPA then spreads over these epochs, and DPL's 40)
#   SEEDS=1,2,3  SHOTS=16  DATASETS=dtd,oxford_pets  MODEL=models/dpl4j-small  ROOT=../shared/datasets
#   WORKERS=2 (decoding threads)  EXTRA= (more dpl4j run options, e.g. "--precision bf16")
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/paper-table}"
methods=zeroshot,coop,cocoop,ivlp,vpt-deep,maple,promptsrc,dpl-maple,dpl-promptsrc
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
# shellcheck disable=SC2086
./dpl4j run -q --model "$model" --datasets "$datasets" --root "$root" --shots "$shots" --seeds "$seeds" \
    --baselines "$methods" --search-epochs "$search_epochs" --epochs "$epochs" --workers "$workers" ${EXTRA:-} \
    --out "$out" > "$out.table.txt"
end=$(date +%s)
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo "== dpl4j run: $datasets, $shots shots, seeds $seeds, $model; search epochs $search_epochs, train epochs $epochs ${EXTRA:-}"
echo "== test top-1 (mean ± 95 % CI over seeds)"
cat "$out.table.txt"
echo
echo "== cost per unit, seconds (sum of the epochs' times in metrics.jsonl; evaluation excluded), mean over seeds"
/usr/bin/env python3 - "$out" "$datasets" "$seeds" <<'PY'
import json, os, sys
out, datasets, seeds = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
units = ["search", "search-maple", "search-promptsrc", "coop", "cocoop", "ivlp", "vpt-deep", "maple", "promptsrc",
         "dpl", "dpl-maple", "dpl-promptsrc"]
def seconds(d):
    f = os.path.join(d, "metrics.jsonl")
    if not os.path.exists(f):
        return None
    return sum(json.loads(l).get("seconds", 0) for l in open(f) if l.strip())
for ds in datasets:
    cells = []
    for u in units:
        v = [seconds(os.path.join(out, ds, "seed" + s, u)) for s in seeds]
        v = [x for x in v if x is not None]
        cells.append("%s %.1f" % (u, sum(v) / len(v)) if v else "%s -" % u)
    print(ds + ": " + " | ".join(cells))
for ds in datasets:
    for s in seeds:
        for u in ["search", "search-maple", "search-promptsrc"]:
            f = os.path.join(out, ds, "seed" + s, u, "prompt-config.json")
            if os.path.exists(f):
                c = json.load(open(f))
                print("%s seed %s %-17s ctx %d text %s image %s" % (ds, s, u, c.get("context", 0), c["text"], c["image"]))
PY
echo "wall time of dpl4j run: $((end - start)) s"
