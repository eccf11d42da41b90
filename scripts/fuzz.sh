#!/usr/bin/env bash
# Fuzzes each parser of outside bytes (the @FuzzTest classes, issue 26) with Jazzer for a set time.
#
#   bash scripts/fuzz.sh [-t SECONDS] [TARGET...]     (default: 180 s each, every target)
#
# A TARGET is Class#method as listed below, or a part of it (e.g. Safetensors). Each target starts
# from its committed seeds (src/test/resources/<package>/<Class>Inputs/<method>/), plus larger real
# files from ../shared copied into target/fuzz/<target>/shared-seeds (never committed), and grows its
# own corpus in target/fuzz/<target>/corpus, so a second run continues where the first stopped.
# Findings (crash-*, timeout-*, oom-* inputs) go to target/fuzz/<target>/findings/; to keep one as a
# regression case, fix the parser and copy the file into the target's Inputs folder: `mvn test` runs
# every file there (Jazzer's regression mode, no fuzzing). Prints executions, seconds and findings
# per target, with the load average. Needs `mvn -B -q test-compile`; set DPL4J_SHARED like the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=180
if [ "${1:-}" = "-t" ]; then seconds=$2; shift 2; fi
shared="${DPL4J_SHARED:-../shared}"

all=(
  org.dpl4j.model.io.SafetensorsFuzzTest#readsOrRefuses
  org.dpl4j.model.io.ModelFormatFuzzTest#loadsOrRefuses
  org.dpl4j.data.SplitFileFuzzTest#loadsOrRefuses
  org.dpl4j.data.ClassNamesFuzzTest#imageNetClassNames
  org.dpl4j.data.ClassNamesFuzzTest#fgvcVariants
  org.dpl4j.prompts.PromptConfigFuzzTest#readsOrRefuses
  org.dpl4j.training.RunJsonFuzzTest#readsOrRefuses
  org.dpl4j.api.BundleFuzzTest#readsOrRefuses
  org.dpl4j.serve.MultipartFuzzTest#findsTheImageOrRefuses
  org.dpl4j.data.image.ImageDecoderFuzzTest#decodesOrRefuses
  org.dpl4j.model.text.ClipTokenizerFuzzTest#tokenizesAnyText
)
targets=()
if [ $# -eq 0 ]; then targets=("${all[@]}"); else
  for want in "$@"; do
    for t in "${all[@]}"; do [[ "$t" == *"$want"* ]] && targets+=("$t"); done
  done
fi
[ ${#targets[@]} -gt 0 ] || { echo "no target matches: $*" >&2; exit 2; }

[ -d target/test-classes ] || { echo "run mvn -B -q test-compile first" >&2; exit 2; }
mvn -B -q dependency:build-classpath -DincludeScope=test -Dmdep.outputFile=target/fuzz/cp.txt >/dev/null
# a copy of the compiled classes, so that a build during a long fuzzing run does not pull them away
rm -rf target/fuzz/classes target/fuzz/test-classes
cp -r target/classes target/fuzz/classes && cp -r target/test-classes target/fuzz/test-classes
cp="target/fuzz/test-classes:target/fuzz/classes:$(cat target/fuzz/cp.txt)"

# real files from ../shared that are too large to commit as seeds
shared_seeds() {
  local target=$1 out=$2
  case "$target" in
    *SafetensorsFuzzTest#*)
      find "$shared/golden" -maxdepth 1 -name '*.safetensors' -size -400k -exec cp {} "$out/" \; ;;
    *SplitFileFuzzTest#*)
      for f in "$shared"/datasets/splits/split_zhou_*.json; do
        python3 - "$f" "$shared/datasets/splits/cat_to_name.json" "$out/$(basename "$f")" <<'PY'
import sys
sep = b"@@dpl4j-fuzz-next-file@@"
open(sys.argv[3], "wb").write(open(sys.argv[1], "rb").read() + sep + open(sys.argv[2], "rb").read())
PY
      done ;;
    *ClassNamesFuzzTest#imageNetClassNames)
      cp "$shared/datasets/imagenet/classnames.txt" "$out/" ;;
    *ClipTokenizerFuzzTest#*)
      python3 - "$shared/datasets/splits" "$out" <<'PY'
import json, sys, os
names = set()
for f in os.listdir(sys.argv[1]):
    d = json.load(open(os.path.join(sys.argv[1], f)))
    if f.startswith("split_"):
        names.update(r[2] for part in d.values() for r in part)
    else:
        names.update(d.values())
for i, n in enumerate(sorted(names)[:400]):
    open(os.path.join(sys.argv[2], "class-%03d.txt" % i), "w").write("a photo of a %s." % n.replace("_", " "))
PY
      ;;
  esac
}

export OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=10
printf '%-62s %12s %8s %s\n' target executions seconds 'new findings'
for t in "${targets[@]}"; do
  class=${t%#*} method=${t#*#}
  name="${class##*.}.$method"
  work="target/fuzz/$name"
  mkdir -p "$work/corpus" "$work/findings" "$work/shared-seeds"
  shared_seeds "$t" "$work/shared-seeds"
  inputs="src/test/resources/$(echo "${class%.*}" | tr . /)/${class##*.}Inputs/$method"
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  before=$(ls "$work/findings" | grep -c -E '^(crash|timeout|oom|leak)-' || true)
  # -rss_limit_mb: the JVM with libtorch loaded starts near 2 GB; a parser that allocates gigabytes for
  # a small file is a finding. --keep_going: report every distinct finding of the run, not only the first.
  java -Xmx2g -Ddpl4j.precision=fp32 -cp "$cp" com.code_intelligence.jazzer.Jazzer \
      --target_class="$class" --target_method="$method" --keep_going=50 \
      -max_total_time="$seconds" -timeout=30 -rss_limit_mb=6144 -artifact_prefix="$work/findings/" \
      -print_final_stats=1 "$work/corpus" "$inputs" "$work/shared-seeds" > "$work/log.txt" 2>&1 || true
  runs=$(grep -aEo 'stat::number_of_executed_units: *[0-9]+' "$work/log.txt" | grep -Eo '[0-9]+$' | tail -1 || true)
  secs=$(grep -aEo 'Done [0-9]+ runs in [0-9]+ second' "$work/log.txt" | grep -Eo 'in [0-9]+' | grep -Eo '[0-9]+' | tail -1 || true)
  printf '%-62s %12s %8s %s (load %s; log %s)\n' "$t" "${runs:-?}" "${secs:-?}" "$(( $(ls "$work/findings" | grep -c -E '^(crash|timeout|oom|leak)-' || true) - before ))" "$load" "$work/log.txt"
done
