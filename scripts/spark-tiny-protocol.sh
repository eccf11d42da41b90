#!/usr/bin/env bash
# Wall time of the tiny protocol of SparkPipelineTest (golden tiny CLIP; demo oxford_pets + shared dtd cut to
# 3 classes, 8 test images each; 2 seeds; zero-shot, search, DPL): sequential `dpl4j run`, then SparkMain on
# local[2]; prints both wall times, each task's log lines (with wall-clock start and end, so that units that ran at
# the same time show), and compares the result files. The sequential run uses one intra-op thread, as each Spark
# task does (spark.task.cpus = 1): results are bit-identical for the same thread count only. Needs `mvn -B -q compile`.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${DPL4J_SHARED:-../shared}"
m=runs/measure
if [ -z "${SKIP_SEQ:-}" ]; then rm -rf $m; fi; mkdir -p $m/datasets/dtd; rm -rf $m/spark
ln -sfn "$PWD/demo-data/oxford_pets" $m/datasets/oxford_pets
ln -sfn "$(cd "$shared" && pwd)/datasets/dtd/images" $m/datasets/dtd/images
python3 - "$shared" <<'PY'
import json, sys
s=json.load(open(sys.argv[1]+'/datasets/dtd/split_zhou_DescribableTextures.json'))
out={}
for part in ('train','val','test'):
    n=[0,0,0]; rows=[]
    for r in s[part]:
        if r[1]<3 and (part!='test' or n[r[1]]<8):
            n[r[1]]+=1; rows.append(r)
    out[part]=rows
json.dump(out,open('runs/measure/datasets/dtd/split_zhou_DescribableTextures.json','w'))
PY
mvn -B -q dependency:build-classpath -Dmdep.outputFile=$m/cp.txt >/dev/null
cp="target/classes:$(cat $m/cp.txt)"
opens=$(python3 -c "import re;print(re.search(r'<spark.test.opens>(.*?)</spark.test.opens>', open('pom.xml').read().split('<id>spark</id>')[1]).group(1))")
args=(--model "$shared/golden/tiny-clip" --datasets oxford_pets,dtd --root $m/datasets --shots 2 --seeds 1,2
      --baselines zeroshot --epochs 2 --lr 0.01 --text-input default --search-epochs 2 --candidates 0,1 --workers 1)
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=10
echo "load before: $(cat /proc/loadavg)"
if [ -z "${SKIP_SEQ:-}" ]; then
s=$(date +%s.%N); java -Xmx4g -cp "$cp" org.dpl4j.cli.Main run -q "${args[@]}" --threads 1 --out $m/seq > $m/seq.out 2> $m/seq.err; e=$(date +%s.%N)
echo "sequential dpl4j run: $(echo "$e - $s" | bc) s"
fi
echo "load: $(cat /proc/loadavg)"
s=$(date +%s.%N); java -Xmx4g $opens -Dspark.master='local[2]' -Dspark.ui.enabled=false -cp "$cp" org.dpl4j.cli.SparkMain \
    run "${args[@]}" --out $m/spark > $m/spark.out 2> $m/spark.err; e=$(date +%s.%N)
echo "SparkMain local[2]: $(echo "$e - $s" | bc) s"
echo "load after: $(cat /proc/loadavg)"
grep -E " done on executor |task (started|finished) at" $m/spark.err | sed 's/^/  /'
grep " done on executor " $m/spark.err | awk '{for(i=1;i<=NF;i++) if($i=="task,") t+=$(i-4); n++} END {printf "%d tasks, %.1f s inside them in all\n", n, t}'
cmp $m/seq.out $m/spark.out && echo "printed tables identical"
for f in $(cd $m/seq && find . -name metrics.json -o -name prompts.safetensors -o -name 'results.*' | sort); do cmp -s $m/seq/$f $m/spark/$f || echo "DIFFERS: $f"; done
echo "compared $(cd $m/seq && find . -name metrics.json -o -name prompts.safetensors -o -name 'results.*' | wc -l) files"
